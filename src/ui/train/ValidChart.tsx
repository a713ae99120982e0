// Validation loss against step (or tokens, FLOPs, wall time): one line per watched corpus in its
// language's colour, a point at each evaluation.
import type { MetricPoint } from '../../core/train/settings';
import { useStudio } from '../../state/store';
import { corpusColor } from '../shared/languageColors';
import { MetricChart } from '../shared/MetricChart';
import { formatLoss } from '../shared/format';
import type { LossUnit } from '../shared/lossUnit';

export function ValidChart({ points, steps, watch, empty, unit, subject }: { points: MetricPoint[]; steps?: number; watch: string[]; empty: string; unit: LossUnit; subject?: string }) {
  const corpora = useStudio((s) => s.corpora);
  const name = (id: string) => corpora.find((c) => c.id === id)?.name ?? id;
  const last = points.findLast((p) => p.valid)?.valid;
  const title = (
    <>
      validation loss
      {last && <span className="muted"> — {watch.map((w) => `${w} ${formatLoss(last[w])}`).join(' · ')}</span>}
    </>
  );
  const lines = watch.map((w) => ({ id: w, name: name(w), value: (p: MetricPoint) => p.valid?.[w], color: corpusColor(w, corpora), sparse: true }));
  return <MetricChart testId="chart-valid" title={title} chart="validation loss" subject={subject} yTitle={`validation loss (${unit.short})`} valueName="validation_loss" points={points} steps={steps} empty={empty} lines={lines} />;
}
