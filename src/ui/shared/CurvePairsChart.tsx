// Minimal-pair accuracy per suite at each evaluation, in percent, over a 50 % line: a model that
// cannot tell the grammatical sentence from its twin scores chance.
import { ReferenceLine } from 'recharts';
import type { CurvePoint } from '../../core/train/adapt';
import { useStudio } from '../../state/store';
import { COLORS, type XKind } from './chartStyle';
import { type ChartLine, MetricChart } from './MetricChart';

export const PERCENT_AXIS = { domain: [0, 100] as [number, number], ticks: [0, 25, 50, 75, 100], tick: { fontSize: 11 }, width: 44, tickFormatter: (v: number) => `${Math.round(v)} %` };

export function CurvePairsChart({ points, x, steps, suites }: { points: CurvePoint[]; x: XKind; steps: number; suites: string[] }) {
  const info = useStudio((s) => s.suites);
  const lines: ChartLine<CurvePoint>[] = suites.map((id, i) => {
    const s = info.find((x) => x.id === id);
    return { id, name: `${s?.name ?? id}${s?.proxy ? ' (proxy)' : ''}`, value: (p) => (p.accuracy?.[id] === undefined ? undefined : 100 * p.accuracy[id]), color: COLORS[i % COLORS.length], sparse: true };
  });
  const shown = points.filter((p) => p.accuracy);
  return (
    <MetricChart testId="chart-pairs" title="minimal-pair accuracy" points={shown} steps={steps} x={x} lines={lines} yAxis={PERCENT_AXIS} empty={suites.length ? 'waiting for the first evaluation…' : 'this run scores no suite'}>
      <ReferenceLine y={50} stroke="#9ca3af" strokeDasharray="4 3" label={{ value: 'chance', position: 'insideTopRight', fontSize: 10, fill: '#6b7280' }} />
    </MetricChart>
  );
}
