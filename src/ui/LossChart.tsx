// Training loss against step, one point per (thinned) training step.
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { MetricPoint } from '../core/train/settings';
import { CHART_HEIGHT, CHART_MARGIN, COLORS, LOSS_AXIS, LOSS_TOOLTIP, stepAxis } from './chartStyle';

export function LossChart({ points, steps, empty }: { points: MetricPoint[]; steps?: number; empty: string }) {
  return (
    <div className="chart" data-testid="chart-loss">
      <h3>training loss</h3>
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <LineChart data={points} margin={CHART_MARGIN}>
          <CartesianGrid stroke="#e5e7eb" />
          <XAxis {...stepAxis(steps)} />
          <YAxis {...LOSS_AXIS} />
          <Tooltip {...LOSS_TOOLTIP} />
          <Line dataKey="loss" name="loss" stroke={COLORS[0]} dot={false} strokeWidth={1.5} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
      {points.length === 0 && <div className="chart-empty muted">{empty}</div>}
    </div>
  );
}
