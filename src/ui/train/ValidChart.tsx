// Validation loss against step: one line per watched corpus in its language's colour, a point at
// each evaluation.
import type { MetricPoint } from '../../core/train/settings';
import { useStudio } from '../../state/store';
import { corpusColor } from '../shared/languageColors';
import { MetricChart } from '../shared/MetricChart';
import { formatLoss } from '../shared/format';

export function ValidChart({ points, steps, watch, empty }: { points: MetricPoint[]; steps?: number; watch: string[]; empty: string }) {
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
  return <MetricChart testId="chart-valid" title={title} points={points} steps={steps} empty={empty} lines={lines} />;
}
