// Gain on the target language and forgetting of the others, in nats against the parent (the
// run's step-0 evaluation): one line per watched corpus, named by its id; above zero is learnt
// or forgotten.
import { ReferenceLine } from 'recharts';
import type { CurvePoint } from '../../core/train/adapt';
import { COLORS, type XKind } from '../shared/chartStyle';
import { type ChartLine, MetricChart } from '../shared/MetricChart';

export function CurveGainChart({ points, x, steps, target, watch }: { points: CurvePoint[]; x: XKind; steps: number; target: string; watch: string[] }) {
  const lines: ChartLine<CurvePoint>[] = [
    { id: `gain:${target}`, name: `gain: ${target}`, value: (p) => p.gain?.[target], color: COLORS[2], sparse: true },
    ...watch.filter((w) => w !== target).map((w, i) => ({ id: `forgetting:${w}`, name: `forgetting: ${w}`, value: (p: CurvePoint) => p.forgetting?.[w], color: COLORS[(i + 1) % COLORS.length], sparse: true })),
  ];
  return (
    <MetricChart testId="chart-forgetting" title="gain and forgetting (nats vs the parent)" points={points} steps={steps} x={x} lines={lines} empty="waiting for the first evaluation…">
      <ReferenceLine y={0} stroke="#9ca3af" />
    </MetricChart>
  );
}
