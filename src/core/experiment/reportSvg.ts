// Static SVG charts for the self-contained HTML report (the app's live charts use recharts; a
// saved report must read without JavaScript). No dependencies; all text is XML-escaped; the
// output depends only on the input, and non-finite values never reach an attribute.
import { extent } from '../numeric/extent';

export interface XY {
  x: number;
  y: number;
}

export interface LineSeries {
  name: string;
  color?: string;
  /** Drawn dashed (the report dashes the grown models). */
  dashed?: boolean;
  points: XY[];
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  width?: number;
  height?: number;
  /** Logarithmic x axis (decade ticks); points with x <= 0 are left out. */
  logX?: boolean;
}

export interface HeatmapOptions {
  title: string;
  rows: string[];
  cols: string[];
  /** values[row][col]; undefined (or non-finite) cells are grey and show a dash. */
  values: (number | undefined)[][];
  format?: (v: number) => string;
  /** Colour low values green (default); false colours high values green. */
  lowIsGood?: boolean;
  /** 'column': colour each column on its own range (languages whose losses differ in level); default 'all'. */
  colorScale?: 'all' | 'column';
}

/** Tableau 10: distinct on screen and in print. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export const escapeXml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Coordinates with one decimal: short, and the same text on every platform. */
const n = (v: number): string => (Math.round(v * 10) / 10).toString();

/** A tick label: SI suffixes from a thousand up (1.5G), three significant digits below. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const units: [number, string][] = [[1e15, 'P'], [1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  const unit = units.find(([d]) => Math.abs(v) >= d);
  if (unit) return `${Number((v / unit[0]).toPrecision(3))}${unit[1]}`;
  return Number(v.toPrecision(3)).toString();
}

/** Round tick values (1, 2 or 5 times a power of ten) covering [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const ticks: number[] = [];
  for (let i = Math.floor(lo / step); i * step <= hi + step * 1e-9; i++) ticks.push(Number((i * step).toPrecision(12)));
  if (ticks[ticks.length - 1] < hi) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

/** A range that is never empty: a single value gets a margin around it. */
function spread(values: number[]): [number, number] {
  if (!values.length) return [0, 1];
  const [lo, hi] = extent(values);
  if (hi > lo) return [lo, hi];
  const pad = Math.abs(lo) * 0.1 || 1;
  return [lo - pad, hi + pad];
}

const text = (x: number, y: number, s: string, attrs = ''): string => `<text x="${n(x)}" y="${n(y)}"${attrs ? ` ${attrs}` : ''}>${escapeXml(s)}</text>`;

function svgOpen(width: number, height: number, title: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="11" role="img" aria-label="${escapeXml(title)}">`
    + `<title>${escapeXml(title)}</title><rect width="${width}" height="${height}" fill="#fff"/>`
    + text(width / 2, 18, title, 'text-anchor="middle" font-size="14" font-weight="600"');
}

export function lineChartSvg(o: LineChartOptions): string {
  const width = o.width ?? 640;
  const height = o.height ?? 360;
  const legendW = o.series.length ? 150 : 0;
  const box = { left: 64, top: 32, right: width - 16 - legendW, bottom: height - 44 };
  const tx = (x: number) => (o.logX ? Math.log10(x) : x);
  const series = o.series.map((s) => ({ ...s, points: s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!o.logX || p.x > 0)) }));
  const all = series.flatMap((s) => s.points);

  let xTicks: number[];
  let xDomain: [number, number];
  if (o.logX) {
    const [a, b] = all.length ? spread(all.map((p) => Math.log10(p.x))) : [0, 1];
    const lo = Math.floor(a);
    const hi = Math.max(lo + 1, Math.ceil(b));
    xDomain = [lo, hi];
    xTicks = Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
  } else {
    xTicks = niceTicks(...spread(all.map((p) => p.x)));
    xDomain = [xTicks[0], xTicks[xTicks.length - 1]];
  }
  const yTicks = niceTicks(...spread(all.map((p) => p.y)));
  const yDomain = [yTicks[0], yTicks[yTicks.length - 1]];
  const sx = (x: number) => box.left + ((tx(x) - xDomain[0]) / (xDomain[1] - xDomain[0])) * (box.right - box.left);
  const sy = (y: number) => box.bottom - ((y - yDomain[0]) / (yDomain[1] - yDomain[0])) * (box.bottom - box.top);

  const parts = [svgOpen(width, height, o.title)];
  for (const t of yTicks) {
    parts.push(`<line x1="${box.left}" x2="${n(box.right)}" y1="${n(sy(t))}" y2="${n(sy(t))}" stroke="#e5e5e5"/>`, text(box.left - 6, sy(t) + 4, formatTick(t), 'text-anchor="end" fill="#555"'));
  }
  for (const t of xTicks) {
    parts.push(`<line x1="${n(sx(t))}" x2="${n(sx(t))}" y1="${box.bottom}" y2="${box.bottom + 4}" stroke="#555"/>`, text(sx(t), box.bottom + 16, formatTick(t), 'text-anchor="middle" fill="#555"'));
  }
  parts.push(
    `<path d="M${box.left} ${box.top}V${box.bottom}H${n(box.right)}" fill="none" stroke="#555"/>`,
    text((box.left + box.right) / 2, height - 8, o.xLabel, 'text-anchor="middle"'),
    text(0, 0, o.yLabel, `text-anchor="middle" transform="translate(14 ${n((box.top + box.bottom) / 2)}) rotate(-90)"`),
  );
  if (!all.length) parts.push(text((box.left + box.right) / 2, (box.top + box.bottom) / 2, 'No data yet', 'text-anchor="middle" fill="#888"'));
  series.forEach((s, i) => {
    const color = escapeXml(s.color ?? PALETTE[i % PALETTE.length]);
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    if (s.points.length > 1) parts.push(`<path d="${s.points.map((p, j) => `${j ? 'L' : 'M'}${n(sx(p.x))} ${n(sy(p.y))}`).join('')}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
    for (const p of s.points) parts.push(`<circle cx="${n(sx(p.x))}" cy="${n(sy(p.y))}" r="2.5" fill="${color}"/>`);
    const ly = box.top + 8 + i * 18;
    parts.push(`<line x1="${n(box.right + 16)}" x2="${n(box.right + 40)}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/>`, text(box.right + 46, ly + 4, s.name));
  });
  parts.push('</svg>');
  return parts.join('');
}

/** Green (good) through pale yellow to orange-red (bad); t in [0, 1]. */
function ramp(t: number): string {
  const stops = [[102, 189, 99], [255, 255, 191], [244, 109, 67]];
  const u = Math.min(1, Math.max(0, t)) * 2;
  const i = Math.min(1, Math.floor(u));
  const f = u - i;
  const c = stops[i].map((a, k) => Math.round(a + (stops[i + 1][k] - a) * f));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

const isNum = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);

export function heatmapSvg(o: HeatmapOptions): string {
  const format = o.format ?? ((v: number) => v.toFixed(3));
  const lowIsGood = o.lowIsGood ?? true;
  const cell = { w: 72, h: 26 };
  const labelW = Math.max(60, extent(o.rows.map((r) => r.length * 6.5 + 12))[1]);
  const top = 56;
  const range = (vs: (number | undefined)[]): [number, number] => {
    const xs = vs.filter(isNum);
    return xs.length ? extent(xs) : [0, 1];
  };
  const finite = o.values.flat().filter(isNum);
  const [lo, hi] = range(finite);
  const perColumn = o.colorScale === 'column';
  const columns = o.cols.map((_, j) => range(o.values.map((row) => row?.[j])));
  const tOf = (v: number, j: number) => {
    const [a, b] = perColumn ? columns[j] : [lo, hi];
    const t = b > a ? (v - a) / (b - a) : 0.5;
    return lowIsGood ? t : 1 - t;
  };
  const legend = perColumn
    ? `best to worst in each column (${lowIsGood ? 'lower' : 'higher'} is better)`
    : `${finite.length ? format(hi) : '–'} (${lowIsGood ? 'lower' : 'higher'} is better)`;
  const width = Math.max(320, Math.ceil(labelW + o.cols.length * cell.w + 16), Math.ceil(labelW + 136 + legend.length * 6.5));
  const height = top + o.rows.length * cell.h + 48;

  const parts = [svgOpen(width, height, o.title)];
  o.cols.forEach((c, j) => parts.push(text(labelW + j * cell.w + cell.w / 2, top - 8, c, 'text-anchor="middle" font-weight="600"')));
  o.rows.forEach((r, i) => {
    const y = top + i * cell.h;
    parts.push(text(labelW - 8, y + cell.h / 2 + 4, r, 'text-anchor="end"'));
    o.cols.forEach((_, j) => {
      const v = o.values[i]?.[j];
      const ok = isNum(v);
      const x = labelW + j * cell.w;
      parts.push(
        `<rect x="${n(x)}" y="${y}" width="${cell.w - 2}" height="${cell.h - 2}" fill="${ok ? ramp(tOf(v, j)) : '#eee'}"/>`,
        text(x + (cell.w - 2) / 2, y + cell.h / 2 + 3, ok ? format(v) : '–', 'text-anchor="middle"'),
      );
    });
  });
  // Legend: five steps from the best to the worst value shown.
  const ly = top + o.rows.length * cell.h + 14;
  for (let k = 0; k < 5; k++) parts.push(`<rect x="${n(labelW + k * 24)}" y="${ly}" width="24" height="12" fill="${ramp(lowIsGood ? k / 4 : 1 - k / 4)}"/>`);
  parts.push(
    ...(perColumn ? [] : [text(labelW - 8, ly + 10, finite.length ? format(lo) : '–', 'text-anchor="end"')]),
    text(labelW + 128, ly + 10, legend),
    '</svg>',
  );
  return parts.join('');
}
