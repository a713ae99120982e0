// The data side of every line chart, apart from drawing: TensorBoard's debiased EMA smoothing,
// the log-axis domain (only when every value is above 0), the x value of a point on each kind of
// axis, zoom to an x range, one row per x for recharts, and the CSV a chart exports. Pure, so
// tested in Node (chartData.test.ts).
import { dayOf, slugify } from '../../core/fileNames';

/** Where a point lies on each kind of x axis; `elapsed` is wall-clock seconds since the run started. */
export interface XValues {
  step: number;
  tokens: number;
  flops: number;
  /** Absent where a source does not record time (experiment reports). */
  elapsed?: number;
}

/** What a chart's x axis counts. */
export type XKind = 'step' | 'tokens' | 'flops' | 'time';

export interface ValuePoint extends XValues {
  y: number;
}

/** One line of a chart: its points in x order, only where it has a value. */
export interface ChartSeries {
  id: string;
  name: string;
  color: string;
  /** An SVG dash pattern ("6 3"): tells apart two lines that share a colour. */
  dash?: string;
  /** Evaluation series are sparse: drawn with a dot at each point. */
  sparse?: boolean;
  points: ValuePoint[];
}

/** A point as plotted: its x on the chosen axis, its raw and smoothed value. */
export interface PlottedPoint extends ValuePoint {
  x: number;
  smoothed: number;
}

export interface PlottedSeries extends Omit<ChartSeries, 'points'> {
  points: PlottedPoint[];
}

export function xOf(p: XValues, kind: XKind): number | undefined {
  return kind === 'time' ? p.elapsed : p[kind];
}

/**
 * TensorBoard's smoothing: an exponential moving average with weight `weight` in [0, 1),
 * debiased by 1 - weight^n so the first points are not pulled towards 0. Non-finite values stay
 * as they are and do not enter the average. A sparse series is smoothed over its own points.
 */
export function emaSmooth(values: number[], weight: number): number[] {
  const w = Math.min(Math.max(weight, 0), 0.999);
  let last = 0;
  let n = 0;
  return values.map((v) => {
    if (!Number.isFinite(v)) return v;
    last = last * w + (1 - w) * v;
    n += 1;
    return w === 0 ? v : last / (1 - w ** n);
  });
}

/** A series on axis `kind`, smoothed; points without a value on that axis are left out. */
export function plotSeries(s: ChartSeries, kind: XKind, smoothing: number): PlottedSeries {
  const on = s.points.filter((p) => Number.isFinite(xOf(p, kind)) && Number.isFinite(p.y));
  const smoothed = emaSmooth(on.map((p) => p.y), smoothing);
  return { ...s, points: on.map((p, i) => ({ ...p, x: xOf(p, kind) as number, smoothed: smoothed[i] })) };
}

/** An x range picked on the chart, in the axis' units, lo < hi. */
export interface XRange {
  lo: number;
  hi: number;
}

/** The range between two picked x values in either order; undefined when they are one value. */
export function xRange(a: number, b: number): XRange | undefined {
  if (!Number.isFinite(a) || !Number.isFinite(b) || a === b) return undefined;
  return { lo: Math.min(a, b), hi: Math.max(a, b) };
}

/** The points of each series inside `range` (all of them without one). */
export function zoomSeries(series: PlottedSeries[], range: XRange | undefined): PlottedSeries[] {
  if (!range) return series;
  return series.map((s) => ({ ...s, points: s.points.filter((p) => p.x >= range.lo && p.x <= range.hi) }));
}

/** recharts data keys of series i: its raw and its smoothed value (indices, as ids may hold dots). */
export const rawKey = (i: number) => `raw${i}`;
export const smoothKey = (i: number) => `smooth${i}`;

/** One row per distinct x across the series, in x order, holding each series' value there. */
export function chartRows(series: PlottedSeries[]): Record<string, number>[] {
  const rows = new Map<number, Record<string, number>>();
  series.forEach((s, i) => {
    for (const p of s.points) {
      let row = rows.get(p.x);
      if (!row) rows.set(p.x, (row = { x: p.x }));
      row[rawKey(i)] = p.y;
      row[smoothKey(i)] = p.smoothed;
    }
  });
  return [...rows.values()].sort((a, b) => a.x - b.x);
}

export type LogDomain = { ok: true; domain: [number, number]; ticks: number[] } | { ok: false; reason: string };

/**
 * The y domain and ticks of a log axis over `values`, padded a little in log space; not possible
 * when a value is 0 or below (a loss difference, say), and the reason says so.
 */
export function logDomain(values: number[]): LogDomain {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { ok: false, reason: 'no values to draw yet' };
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  if (min <= 0) return { ok: false, reason: `log scale needs every value above 0; the lowest here is ${Number(min.toPrecision(3))}` };
  const pad = max > min ? (max / min) ** 0.05 : 2;
  const lo = min / pad;
  const hi = max * pad;
  return { ok: true, domain: [lo, hi], ticks: logTicks(lo, hi) };
}

/** Ticks 1, 2, 5 × 10^k inside [lo, hi]; five geometric steps when fewer than three of those fit. */
export function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) {
    for (const m of [1, 2, 5]) {
      const t = m * 10 ** k;
      if (t >= lo && t <= hi) out.push(Number(t.toPrecision(12)));
    }
  }
  if (out.length >= 3) return out;
  const r = Math.log(hi / lo);
  return [0, 1, 2, 3, 4].map((i) => Number((lo * Math.exp((r * (i + 0.5)) / 5)).toPrecision(3)));
}

/** One CSV field: quoted when it holds a comma, quote or line break. */
export function csvField(v: string | number | undefined): string {
  if (v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvText(header: string[], rows: (string | number | undefined)[][]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

/** The plotted series as CSV: one row per point, with every x column, the raw and the smoothed value. */
export function seriesCsv(series: PlottedSeries[], valueName: string): string {
  const header = ['series', 'step', 'tokens', 'flops', 'elapsed_s', valueName, `${valueName}_smoothed`];
  const rows = series.flatMap((s) => s.points.map((p) => [s.name, p.step, p.tokens, p.flops, p.elapsed, p.y, p.smoothed]));
  return csvText(header, rows);
}

/**
 * Shifts a child run's points by `offset`: an adaptation run started from a checkpoint another
 * run produced continues that run's axis (its last step, tokens, FLOPs and time).
 */
export function offsetPoints(points: ValuePoint[], offset: XValues): ValuePoint[] {
  return points.map((p) => ({
    ...p,
    step: p.step + offset.step,
    tokens: p.tokens + offset.tokens,
    flops: p.flops + offset.flops,
    elapsed: p.elapsed === undefined ? undefined : p.elapsed + (offset.elapsed ?? 0),
  }));
}

/** An export's file name that says what it holds: "english-tiny-training-loss-2026-05-01.png". */
export function chartFileName(subject: string | undefined, chart: string, isoNow: string, ext: 'png' | 'csv'): string {
  const parts = [subject, chart].filter((t): t is string => !!t).map((t) => slugify(t, 'chart', 48));
  return `${parts.join('-')}-${dayOf(isoNow)}.${ext}`;
}
