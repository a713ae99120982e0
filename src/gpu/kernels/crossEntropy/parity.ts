// Target log-probability kernel against log-softmax + one-hot on the CPU: the byte vocabulary
// (259) and a larger vocabulary with logits spread wide enough that the max subtraction matters.
// Every row layout the device runs (a workgroup, a thread or a subgroup per row). Tolerance: float32 rounding of a sum of a
// few thousand exponentials.
import type * as tf from '@tensorflow/tfjs';
import { checkOpParity, type KernelParity } from '../parity';
import { stockTargetLogProbs } from '../../../core/model/kernels';
import { targetLogProbsKernel } from './targetLogProbs';
import { deviceRowLayouts, type RowLayout } from '../program';

export const TARGET_LOGPROBS_TOLERANCE = 1e-4;

/** Every layout this device runs ('subgroup' where it has the subgroups feature), or those given. */
export function checkTargetLogProbsParity(layouts: readonly RowLayout[] = deviceRowLayouts(), name = 'cross-entropy'): Promise<KernelParity> {
  const op = (scale: number, layout: RowLayout) => (ours: boolean, [logits, targets]: tf.Tensor[]) => {
    const l = (scale === 1 ? logits : logits.mul(scale)) as tf.Tensor3D;
    return ours ? targetLogProbsKernel(l, targets as tf.Tensor2D, layout) : stockTargetLogProbs(l, targets as tf.Tensor2D);
  };
  return checkOpParity(name, layouts.flatMap((layout) => [
    { inputs: [{ shape: [2, 5, 259] }, { shape: [2, 5], dtype: 'int32' as const, maxInt: 259 }], run: op(3, layout) },
    { inputs: [{ shape: [3, 4, 3000] }, { shape: [3, 4], dtype: 'int32' as const, maxInt: 3000 }], run: op(20, layout) },
  ]), TARGET_LOGPROBS_TOLERANCE);
}
