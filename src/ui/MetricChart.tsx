// One line chart of metric points against step, shared by every training chart: the frame, axes,
// grid and tooltip are the same; callers choose the lines and the heading.
import type { ReactNode } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { MetricPoint } from '../core/train/settings';
import { CHART_HEIGHT, CHART_MARGIN, LOSS_AXIS, LOSS_TOOLTIP, stepAxis } from './chartStyle';

export interface ChartLine {
  id: string;
  name: string;
  value: (p: MetricPoint) => number | null | undefined;
  color: string;
  /** Evaluation series are sparse: draw their points and join across steps without a value. */
  sparse?: boolean;
}

export function MetricChart({ testId, title, points, steps, lines, empty }: { testId: string; title: ReactNode; points: MetricPoint[]; steps?: number; lines: ChartLine[]; empty: string }) {
  return (
    <div className="chart" data-testid={testId}>
      <h3>{title}</h3>
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <LineChart data={points} margin={CHART_MARGIN}>
          <CartesianGrid stroke="#e5e7eb" />
          <XAxis {...stepAxis(steps)} />
          <YAxis {...LOSS_AXIS} />
          <Tooltip {...LOSS_TOOLTIP} />
          {lines.length > 1 && <Legend wrapperStyle={{ fontSize: 11 }} />}
          {lines.map((l) => (
            <Line key={l.id} dataKey={l.value} name={l.name} stroke={l.color} dot={l.sparse ? { r: 2 } : false} strokeWidth={1.5} connectNulls={l.sparse} isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
      {points.length === 0 && <div className="chart-empty muted">{empty}</div>}
    </div>
  );
}
