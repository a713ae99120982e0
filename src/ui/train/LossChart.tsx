// Training loss against step (or tokens, FLOPs, wall time), one point per (thinned) training
// step, smoothed as in TensorBoard to start with: a batch's loss is noisy.
import type { MetricPoint } from '../../core/train/settings';
import { COLORS } from '../shared/chartStyle';
import type { LossUnit } from '../shared/lossUnit';
import { MetricChart } from '../shared/MetricChart';

export function LossChart({ points, steps, empty, unit, subject }: { points: MetricPoint[]; steps?: number; empty: string; unit: LossUnit; subject?: string }) {
  return (
    <MetricChart
      testId="chart-loss"
      title="training loss"
      chart="training loss"
      subject={subject}
      yTitle={`training loss (${unit.short})`}
      valueName="loss"
      defaultSmoothing={0.6}
      points={points}
      steps={steps}
      empty={empty}
      lines={[{ id: 'loss', name: 'loss', value: (p) => p.loss, color: COLORS[0] }]}
    />
  );
}
