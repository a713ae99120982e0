// One line chart of metric points against step (or tokens or FLOPs), shared by every training
// chart: the frame, axes, grid and tooltip are the same; callers choose the lines and the heading,
// and may swap the y axis and add reference lines.
import type { ComponentProps, ReactNode } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { MetricPoint } from '../../core/train/settings';
import { CHART_HEIGHT, CHART_MARGIN, LOSS_AXIS, LOSS_TOOLTIP, xAxis, xLabel, type XKind } from './chartStyle';

/** What a chart needs of a point: where it lies on each kind of x axis. */
export type XPoint = Pick<MetricPoint, 'step' | 'tokens' | 'flops'>;

export interface ChartLine<P extends XPoint = MetricPoint> {
  id: string;
  name: string;
  value: (p: P) => number | null | undefined;
  color: string;
  /** Evaluation series are sparse: draw their points and join across steps without a value. */
  sparse?: boolean;
  /** An SVG dash pattern ("6 3"): tells apart two lines that share a colour (one language, two passes). */
  dash?: string;
}

export interface MetricChartProps<P extends XPoint> {
  testId: string;
  title: ReactNode;
  points: P[];
  steps?: number;
  lines: ChartLine<P>[];
  empty: string;
  /** The x axis; 'step' unless given. */
  x?: XKind;
  /** Replaces the loss axis (a percent axis, say); the tooltip then shows values as formatted here. */
  yAxis?: ComponentProps<typeof YAxis>;
  /** Extra chart elements drawn over the grid, such as a ReferenceLine. */
  children?: ReactNode;
}

export function MetricChart<P extends XPoint = MetricPoint>({ testId, title, points, steps, lines, empty, x = 'step', yAxis, children }: MetricChartProps<P>) {
  const format = yAxis?.tickFormatter as ((v: number) => string) | undefined;
  return (
    <div className="chart" data-testid={testId} data-x={x}>
      <h3>{title}</h3>
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <LineChart data={points} margin={CHART_MARGIN}>
          <CartesianGrid stroke="#e5e7eb" />
          <XAxis {...xAxis(x, steps)} />
          <YAxis {...(yAxis ?? LOSS_AXIS)} />
          <Tooltip {...LOSS_TOOLTIP} {...(format ? { formatter: (v) => format(Number(v)) } : {})} labelFormatter={(v) => xLabel(x, v)} />
          {lines.length > 1 && <Legend wrapperStyle={{ fontSize: 11 }} />}
          {children}
          {lines.map((l) => (
            <Line key={l.id} dataKey={l.value} name={l.name} stroke={l.color} strokeDasharray={l.dash} dot={l.sparse ? { r: 2 } : false} strokeWidth={1.5} connectNulls={l.sparse} isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
      {points.length === 0 && <div className="chart-empty muted">{empty}</div>}
    </div>
  );
}
