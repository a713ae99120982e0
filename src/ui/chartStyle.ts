// Shared look of the training charts: line colours and axis and tooltip settings.
import type { ComponentProps } from 'react';
import type { Tooltip, XAxis, YAxis } from 'recharts';
import { formatLoss } from './format';

export const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];

export const CHART_HEIGHT = 240;

export const CHART_MARGIN = { top: 4, right: 12, bottom: 4, left: 0 };

export function stepAxis(steps: number | undefined): ComponentProps<typeof XAxis> {
  return { dataKey: 'step', type: 'number', domain: [0, steps ?? 'dataMax'], tick: { fontSize: 11 } };
}

export const LOSS_AXIS: ComponentProps<typeof YAxis> = { domain: ['auto', 'auto'], tick: { fontSize: 11 }, width: 44, tickFormatter: (v: number) => v.toFixed(2) };

export const LOSS_TOOLTIP: ComponentProps<typeof Tooltip> = {
  isAnimationActive: false,
  formatter: (v) => formatLoss(Number(v)),
  labelFormatter: (s) => `step ${s}`,
};
