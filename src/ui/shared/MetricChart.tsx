// One chart of metric points (a run's training loss, validation loss, adaptation curves): the
// caller names its lines as accessors of a point, and MetricChart turns them into series for the
// shared SeriesChart (smoothing, log y, zoom, axis titles, x axis, PNG and CSV export).
import type { ComponentProps, ReactNode } from 'react';
import type { YAxis } from 'recharts';
import type { MetricPoint } from '../../core/train/settings';
import type { ChartSeries, ValuePoint, XValues } from './chartData';
import type { XKind } from './chartStyle';
import { SeriesChart } from './SeriesChart';

/** What a chart needs of a point: where it lies on each kind of x axis. */
export type XPoint = XValues;

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
  /** The x axis, when several charts share one pick; else the chart's own (steps to start). */
  x?: XKind;
  onX?: (x: XKind) => void;
  /** The x axes offered; all four unless given (a chart whose markers sit at steps offers only steps). */
  xKinds?: XKind[];
  /** The y axis' title with its unit, and the value's CSV column. */
  yTitle?: string;
  valueName?: string;
  /** What the chart is about (the run's name) and what it shows, for export file names. */
  subject?: string;
  chart?: string;
  defaultSmoothing?: number;
  /** Replaces the loss axis (a percent axis, say); the tooltip then shows values as formatted here. */
  yAxis?: ComponentProps<typeof YAxis>;
  /** Extra chart elements drawn over the grid, such as a ReferenceLine. */
  children?: ReactNode;
}

/** The points of `line` where it has a value, with their x values. */
export function lineSeries<P extends XPoint>(points: P[], line: ChartLine<P>): ChartSeries {
  const out: ValuePoint[] = [];
  for (const p of points) {
    const y = line.value(p);
    if (y !== null && y !== undefined && Number.isFinite(y)) out.push({ step: p.step, tokens: p.tokens, flops: p.flops, elapsed: p.elapsed, y });
  }
  return { id: line.id, name: line.name, color: line.color, dash: line.dash, sparse: line.sparse, points: out };
}

export function MetricChart<P extends XPoint = MetricPoint>({ points, lines, ...rest }: MetricChartProps<P>) {
  return <SeriesChart {...rest} series={lines.map((l) => lineSeries(points, l))} />;
}
