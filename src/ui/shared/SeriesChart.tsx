// A line chart of series against steps, tokens, FLOPs or wall time, in the shared ChartFrame,
// with the controls researchers expect from TensorBoard: EMA smoothing (the raw line kept faint
// behind the smoothed one), linear or log y (log only when every value is above 0), zoom by
// dragging across the x axis (reset with a button), axis titles with units, PNG and CSV export.
// Every series chart of the studio is this component; the data work is chartData.ts.
import { type ComponentProps, type ReactNode, useMemo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { type ChartSeries, chartRows, logDomain, plotSeries, rawKey, seriesCsv, smoothKey, type XRange, xRange, zoomSeries } from './chartData';
import { ChartFrame } from './ChartFrame';
import { ChartToolbar } from './ChartToolbar';
import { CHART_HEIGHT, LOSS_AXIS, LOSS_TOOLTIP, X_KINDS, X_TITLES, xAxis, xLabel, type XKind } from './chartStyle';

export interface SeriesChartProps {
  testId: string;
  title: ReactNode;
  series: ChartSeries[];
  /** The chart's own pick of x axis unless given (several charts sharing one pick). */
  x?: XKind;
  onX?: (x: XKind) => void;
  /** The x axes the data has; all four unless given (reports record no wall time). */
  xKinds?: XKind[];
  /** The run's planned steps: the step axis spans them while it runs. */
  steps?: number;
  /** The y axis' title with its unit: "training loss (nats/byte)". */
  yTitle?: string;
  /** The value's column name in the CSV: "loss"; "value" unless given. */
  valueName?: string;
  /** Replaces the loss axis (a percent axis, say); the tooltip then shows values as formatted here. */
  yAxis?: ComponentProps<typeof YAxis>;
  /** What the chart is about and what it shows, for the exports' file names. */
  subject?: string;
  /** "training loss"; the heading when it is text, else "chart". */
  chart?: string;
  empty: string;
  /** The EMA weight the slider starts at: dense training curves 0.6 as in TensorBoard, sparse evaluations 0. */
  defaultSmoothing?: number;
  /** Extra chart elements (a ReferenceLine). */
  children?: ReactNode;
}

const CHART_MARGIN = { top: 6, right: 14, bottom: 14, left: 4 };
const RAW_OPACITY = 0.25;

/** Log ticks read "0.05", "2", "1.2k". */
const logTick = (v: number) => (v >= 1000 ? `${Number((v / 1000).toPrecision(2))}k` : String(Number(v.toPrecision(2))));

export function SeriesChart({ testId, title, series, x: xGiven, onX, xKinds, steps, yTitle, valueName = 'value', yAxis, subject, chart = typeof title === 'string' ? title : 'chart', empty, defaultSmoothing = 0, children }: SeriesChartProps) {
  const [ownX, setOwnX] = useState<XKind>('step');
  const x = xGiven ?? ownX;
  const [smoothing, setSmoothing] = useState(defaultSmoothing);
  const [logY, setLogY] = useState(false);
  const [zoom, setZoom] = useState<XRange>();
  const [drag, setDrag] = useState<{ from: number; to: number }>();
  const pickX = (k: XKind) => {
    setZoom(undefined);
    (onX ?? setOwnX)(k);
  };

  const plotted = useMemo(() => zoomSeries(series.map((s) => plotSeries(s, x, smoothing)), zoom), [series, x, smoothing, zoom]);
  const rows = useMemo(() => chartRows(plotted), [plotted]);
  const log = useMemo(() => logDomain(plotted.flatMap((s) => s.points.flatMap((p) => [p.y, p.smoothed]))), [plotted]);
  const useLog = logY && log.ok;
  const format = (yAxis?.tickFormatter ?? LOSS_AXIS.tickFormatter) as (v: number, i: number) => string;
  const axis = xAxis(x, steps);
  const kinds = X_KINDS.filter((k) => !xKinds || xKinds.includes(k.id));
  const smoothed = smoothing > 0;
  const points = plotted.reduce((n, s) => n + s.points.length, 0);

  const label = (s: { activeLabel?: string | number }) => (s.activeLabel === undefined ? undefined : Number(s.activeLabel));
  const endDrag = () => {
    if (drag) setZoom(xRange(drag.from, drag.to) ?? zoom);
    setDrag(undefined);
  };

  const controls = (
    <ChartToolbar
      testId={testId}
      smoothing={smoothing}
      onSmoothing={setSmoothing}
      logY={logY}
      onLogY={setLogY}
      logProblem={logY && !log.ok ? log.reason : undefined}
      x={x}
      xKinds={kinds}
      onX={pickX}
      zoomed={!!zoom}
      onResetZoom={() => setZoom(undefined)}
    />
  );
  const exportAs = {
    subject,
    chart,
    legend: series.map((s) => ({ name: s.name, color: s.color, dash: s.dash })),
    csv: () => seriesCsv(plotted, valueName),
  };
  return (
    <ChartFrame testId={testId} title={title} controls={controls} exportAs={exportAs} data={{ x, log: useLog ? 'on' : 'off', smoothing, zoom: zoom ? `${zoom.lo}:${zoom.hi}` : undefined, points, lines: series.length }}>
      <div className="chart-plot" title="drag across the chart to zoom to a range">
        <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
          <LineChart
            data={rows}
            margin={CHART_MARGIN}
            onMouseDown={(s) => { const v = label(s); if (v !== undefined) setDrag({ from: v, to: v }); }}
            onMouseMove={(s) => { const v = label(s); if (drag && v !== undefined) setDrag({ ...drag, to: v }); }}
            onMouseUp={endDrag}
            onMouseLeave={() => setDrag(undefined)}
          >
            <CartesianGrid stroke="#e5e7eb" />
            <XAxis
              {...axis}
              dataKey="x"
              domain={zoom ? [zoom.lo, zoom.hi] : axis.domain}
              allowDataOverflow={!!zoom}
              height={36}
              label={{ value: X_TITLES[x], position: 'insideBottom', offset: 0, fontSize: 11, fill: '#4b5563' }}
            />
            <YAxis
              {...(yAxis ?? LOSS_AXIS)}
              width={58}
              {...(useLog && log.ok ? { scale: 'log', domain: log.domain, ticks: log.ticks, tickFormatter: logTick, allowDataOverflow: true } : {})}
              label={yTitle && { value: yTitle, angle: -90, position: 'insideLeft', offset: 8, fontSize: 11, fill: '#4b5563', style: { textAnchor: 'middle' } }}
            />
            <Tooltip {...LOSS_TOOLTIP} formatter={(v) => format(Number(v), 0)} labelFormatter={(v) => xLabel(x, v)} />
            {/* On top: below, it would sit on the x axis' title. */}
            {series.length > 1 && <Legend verticalAlign="top" wrapperStyle={{ fontSize: 11, paddingBottom: 4 }} />}
            {children}
            {plotted.map((s, i) =>
              smoothed ? (
                <Line key={`raw-${s.id}`} dataKey={rawKey(i)} name={`${s.name} (raw)`} legendType="none" stroke={s.color} strokeOpacity={RAW_OPACITY} strokeDasharray={s.dash} dot={s.sparse ? { r: 1.5, strokeOpacity: RAW_OPACITY } : false} activeDot={false} strokeWidth={1} connectNulls isAnimationActive={false} className="raw-line" />
              ) : null,
            )}
            {plotted.map((s, i) => (
              <Line key={s.id} dataKey={smoothed ? smoothKey(i) : rawKey(i)} name={s.name} stroke={s.color} strokeDasharray={s.dash} dot={s.sparse ? { r: 2 } : false} strokeWidth={1.5} connectNulls isAnimationActive={false} className="value-line" />
            ))}
            {drag && drag.from !== drag.to && <ReferenceArea x1={drag.from} x2={drag.to} strokeOpacity={0.3} fill="#93c5fd" fillOpacity={0.3} />}
          </LineChart>
        </ResponsiveContainer>
        {points === 0 && <div className="chart-empty muted">{zoom ? 'no points in this range' : empty}</div>}
      </div>
    </ChartFrame>
  );
}
