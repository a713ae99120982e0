// Target log-probability kernel against log-softmax + one-hot on the CPU: the byte vocabulary
// (259) and a larger vocabulary with logits spread wide enough that the max subtraction matters.
// Tolerance: float32 rounding of a sum of a few thousand exponentials.
import type * as tf from '@tensorflow/tfjs';
import { checkOpParity, type KernelParity } from '../parity';
import { stockTargetLogProbs } from '../../../core/model/kernels';
import { targetLogProbsKernel } from './targetLogProbs';

export const TARGET_LOGPROBS_TOLERANCE = 1e-4;

export function checkTargetLogProbsParity(): Promise<KernelParity> {
  const op = (scale: number) => (ours: boolean, [logits, targets]: tf.Tensor[]) => {
    const l = (scale === 1 ? logits : logits.mul(scale)) as tf.Tensor3D;
    return ours ? targetLogProbsKernel(l, targets as tf.Tensor2D) : stockTargetLogProbs(l, targets as tf.Tensor2D);
  };
  return checkOpParity('cross-entropy', [
    { inputs: [{ shape: [2, 5, 259] }, { shape: [2, 5], dtype: 'int32', maxInt: 259 }], run: op(3) },
    { inputs: [{ shape: [3, 4, 3000] }, { shape: [3, 4], dtype: 'int32', maxInt: 3000 }], run: op(20) },
  ], TARGET_LOGPROBS_TOLERANCE);
}
