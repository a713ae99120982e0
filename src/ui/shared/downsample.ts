// Thins a run's metric points for display: a chart of 100k points costs more than it shows. Every
// evaluation point (one carrying `valid`) and the last point are always kept.
import type { MetricPoint } from '../../core/train/settings';

export const MAX_CHART_POINTS = 500;

/** Training-loss points, at most about `max` of them, evenly strided by index. */
export function lossPoints(points: MetricPoint[], max = MAX_CHART_POINTS): MetricPoint[] {
  const stride = Math.max(1, Math.ceil(points.length / max));
  const out: MetricPoint[] = [];
  for (let i = 0; i < points.length; i += stride) if (points[i].loss !== null) out.push(points[i]);
  const last = points[points.length - 1];
  if (last && last.loss !== null && out[out.length - 1] !== last) out.push(last);
  return out;
}

/** The evaluation points, all of them. */
export function validPoints(points: MetricPoint[]): MetricPoint[] {
  return points.filter((p) => p.valid !== undefined);
}
