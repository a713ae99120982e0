// Minimal-pair accuracy per suite at each evaluation, in percent, over a 50 % line: a model that
// cannot tell the grammatical sentence from its twin scores chance. A suite is drawn in its
// language's colour; a language's second and later suites are told apart by dashes.
import { ReferenceLine } from 'recharts';
import type { CurvePoint } from '../../core/train/adapt';
import { useStudio } from '../../state/store';
import type { XKind } from './chartStyle';
import { languageColor } from './languageColors';
import { type ChartLine, MetricChart } from './MetricChart';

export const PERCENT_AXIS = { domain: [0, 100] as [number, number], ticks: [0, 25, 50, 75, 100], tick: { fontSize: 11 }, width: 44, tickFormatter: (v: number) => `${Math.round(v)} %` };

/** Dash patterns for a language's first, second, third… suite. */
const SUITE_DASHES = [undefined, '6 3', '2 2', '8 3 2 3'];

export function CurvePairsChart({ points, x, onX, steps, suites, subject }: { points: CurvePoint[]; x: XKind; onX?: (x: XKind) => void; steps: number; suites: string[]; subject?: string }) {
  const info = useStudio((s) => s.suites);
  const perLanguage = new Map<string, number>();
  const lines: ChartLine<CurvePoint>[] = suites.map((id) => {
    const s = info.find((x) => x.id === id);
    const language = s?.language ?? id;
    const nth = perLanguage.get(language) ?? 0;
    perLanguage.set(language, nth + 1);
    return { id, name: `${s?.name ?? id}${s?.proxy ? ' (proxy)' : ''}`, value: (p) => (p.accuracy?.[id] === undefined ? undefined : 100 * p.accuracy[id]), color: languageColor(language), dash: SUITE_DASHES[nth % SUITE_DASHES.length], sparse: true };
  });
  const shown = points.filter((p) => p.accuracy);
  return (
    <MetricChart testId="chart-pairs" title="minimal-pair accuracy" chart="minimal-pair accuracy" subject={subject} yTitle="accuracy (% of pairs)" valueName="accuracy_percent" points={shown} steps={steps} x={x} onX={onX} lines={lines} yAxis={PERCENT_AXIS} empty={suites.length ? 'waiting for the first evaluation…' : 'this run scores no suite'}>
      <ReferenceLine y={50} stroke="#9ca3af" strokeDasharray="4 3" label={{ value: 'chance', position: 'insideTopRight', fontSize: 10, fill: '#6b7280' }} />
    </MetricChart>
  );
}
