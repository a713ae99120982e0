// Runs overlaid in one chart: one line per run, each with its own points (runs evaluate at
// different steps, tokens and FLOPs), and a vertical "equal compute" line at the FLOP budget of a
// FLOP-matched pair when the x axis counts FLOPs.
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { CHART_HEIGHT, CHART_MARGIN, COLORS, LOSS_AXIS, LOSS_TOOLTIP, xAxis, xLabel, type XKind } from '../shared/chartStyle';
import type { SeriesPoint } from './CompareSeries';
import { PERCENT_AXIS } from '../shared/CurvePairsChart';
import { formatFlops } from '../shared/format';

export interface CompareLine {
  id: string;
  name: string;
  points: SeriesPoint[];
}

export function CompareChart({ lines, x, percent, equalCompute, title }: { lines: CompareLine[]; x: XKind; percent: boolean; equalCompute?: number; title: string }) {
  const axis = xAxis(x, undefined);
  const yAxis = percent ? PERCENT_AXIS : LOSS_AXIS;
  const sparse = lines.every((l) => l.points.length < 60);
  return (
    <div className="chart" data-testid="chart-compare" data-x={x} data-lines={lines.length}>
      <h3>{title}</h3>
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <LineChart margin={CHART_MARGIN}>
          <CartesianGrid stroke="#e5e7eb" />
          <XAxis {...axis} dataKey="x" allowDuplicatedCategory={false} />
          <YAxis {...yAxis} />
          <Tooltip {...LOSS_TOOLTIP} formatter={(v) => yAxis.tickFormatter!(Number(v), 0)} labelFormatter={(v) => xLabel(x, v)} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {equalCompute !== undefined && (
            <ReferenceLine x={equalCompute} stroke="#111827" strokeDasharray="5 3" ifOverflow="extendDomain" label={{ value: 'equal compute', position: 'insideTopLeft', fontSize: 10, fill: '#111827' }} />
          )}
          {lines.map((l, i) => (
            <Line key={l.id} data={l.points} dataKey="y" name={l.name} stroke={COLORS[i % COLORS.length]} dot={sparse ? { r: 2 } : false} strokeWidth={1.5} isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
      {lines.length === 0 && <div className="chart-empty muted">tick two or more runs to compare them</div>}
      {equalCompute !== undefined && (
        <p className="curve-note" data-testid="equal-compute" data-flops={equalCompute}>
          The dashed line marks the equal compute both runs of the FLOP-matched pair were given ({formatFlops(equalCompute)}): compare the two there.
        </p>
      )}
    </div>
  );
}
