// Training loss against step, one point per (thinned) training step.
import type { MetricPoint } from '../../core/train/settings';
import { COLORS } from '../shared/chartStyle';
import { MetricChart } from '../shared/MetricChart';

export function LossChart({ points, steps, empty }: { points: MetricPoint[]; steps?: number; empty: string }) {
  return <MetricChart testId="chart-loss" title="training loss" points={points} steps={steps} empty={empty} lines={[{ id: 'loss', name: 'loss', value: (p) => p.loss, color: COLORS[0] }]} />;
}
