// Shared look of the training charts: line colours, axis and tooltip settings, and the x axis a
// chart may switch between (steps, tokens, FLOPs or wall time; steps unless a chart asks otherwise).
import type { ComponentProps } from 'react';
import type { Tooltip, XAxis, YAxis } from 'recharts';
import type { XKind } from './chartData';
import { formatCount, formatDuration, formatLoss } from './format';

export type { XKind } from './chartData';

export const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];

export const CHART_HEIGHT = 240;

export const CHART_MARGIN = { top: 4, right: 12, bottom: 4, left: 0 };

export const X_KINDS: { id: XKind; label: string }[] = [
  { id: 'step', label: 'steps' },
  { id: 'tokens', label: 'tokens' },
  { id: 'flops', label: 'FLOPs' },
  { id: 'time', label: 'wall time' },
];

/** The x axis' title, with its unit. */
export const X_TITLES: Record<XKind, string> = { step: 'optimizer step', tokens: 'training tokens', flops: 'training FLOPs', time: 'wall time (s)' };

export function stepAxis(steps: number | undefined): ComponentProps<typeof XAxis> {
  return { dataKey: 'step', type: 'number', domain: [0, steps ?? 'dataMax'], tick: { fontSize: 11 } };
}

/** An x axis of `x`; tokens and FLOPs run into the billions, so their ticks read "1.2G"; time reads "3m 05s". */
export function xAxis(x: XKind, steps: number | undefined): ComponentProps<typeof XAxis> {
  if (x === 'step') return stepAxis(steps);
  const dataKey = x === 'time' ? 'elapsed' : x;
  return { dataKey, type: 'number', domain: [0, 'dataMax'], tick: { fontSize: 11 }, tickFormatter: (v: number) => (x === 'time' ? formatDuration(v) : formatCount(v)) };
}

/** The tooltip's heading for a point at x value `v`. */
export function xLabel(x: XKind, v: unknown): string {
  const n = Number(v);
  if (x === 'time') return `${formatDuration(n)} elapsed`;
  return x === 'step' ? `step ${v}` : x === 'tokens' ? `${formatCount(n)} tokens` : `${formatCount(n)} FLOP`;
}

export const LOSS_AXIS: ComponentProps<typeof YAxis> = { domain: ['auto', 'auto'], tick: { fontSize: 11 }, width: 44, tickFormatter: (v: number) => v.toFixed(2) };

export const LOSS_TOOLTIP: ComponentProps<typeof Tooltip> = {
  isAnimationActive: false,
  formatter: (v) => formatLoss(Number(v)),
  labelFormatter: (s) => `step ${s}`,
};
