// Gain on the target language and forgetting of the others, in nats against the parent (the
// run's step-0 evaluation): one line per watched corpus, named by its id; above zero is learnt
// or forgotten. Each line has its language's colour; forgetting lines are dashed.
import { ReferenceLine } from 'recharts';
import type { CurvePoint } from '../../core/train/adapt';
import { useStudio } from '../../state/store';
import type { XKind } from '../shared/chartStyle';
import { corpusColor } from '../shared/languageColors';
import type { LossUnit } from '../shared/lossUnit';
import { type ChartLine, MetricChart } from '../shared/MetricChart';

export function CurveGainChart({ points, x, onX, steps, target, watch, unit, subject }: { points: CurvePoint[]; x: XKind; onX?: (x: XKind) => void; steps: number; target: string; watch: string[]; unit: LossUnit; subject?: string }) {
  const corpora = useStudio((s) => s.corpora);
  const lines: ChartLine<CurvePoint>[] = [
    { id: `gain:${target}`, name: `gain: ${target}`, value: (p) => p.gain?.[target], color: corpusColor(target, corpora), sparse: true },
    ...watch.filter((w) => w !== target).map((w) => ({ id: `forgetting:${w}`, name: `forgetting: ${w}`, value: (p: CurvePoint) => p.forgetting?.[w], color: corpusColor(w, corpora), dash: '6 3', sparse: true })),
  ];
  return (
    <MetricChart testId="chart-forgetting" title="gain and forgetting (vs the parent)" chart="gain and forgetting" subject={subject} yTitle={`loss change (${unit.short})`} valueName="loss_change" points={points} steps={steps} x={x} onX={onX} lines={lines} empty="waiting for the first evaluation…">
      <ReferenceLine y={0} stroke="#9ca3af" />
    </MetricChart>
  );
}
