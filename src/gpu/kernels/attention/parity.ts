// Causal attention kernel against the stock masked-softmax ops on the CPU: grouped-query heads
// (4 query heads on 2 KV heads) with the tiny model's head size, three query heads on one KV
// head, and plain multi-head attention with a longer odd sequence and head size 32.
// Tolerance: float32 rounding of the softmax sums and of gradients summed over positions.
import type * as tf from '@tensorflow/tfjs';
import { checkOpParity, type KernelParity } from '../parity';
import { stockCausalAttention } from '../../../core/model/kernels';
import { causalAttentionKernel } from './causalAttention';

export const ATTENTION_TOLERANCE = 1e-4;

export function checkAttentionParity(): Promise<KernelParity> {
  const op = (ours: boolean, [q, k, v]: tf.Tensor[]) => (ours ? causalAttentionKernel : stockCausalAttention)(q as tf.Tensor4D, k as tf.Tensor4D, v as tf.Tensor4D);
  return checkOpParity('attention', [
    { inputs: [{ shape: [2, 7, 4, 8] }, { shape: [2, 7, 2, 8] }, { shape: [2, 7, 2, 8] }], run: op },
    { inputs: [{ shape: [1, 6, 3, 16] }, { shape: [1, 6, 1, 16] }, { shape: [1, 6, 1, 16] }], run: op },
    { inputs: [{ shape: [1, 33, 2, 32] }, { shape: [1, 33, 2, 32] }, { shape: [1, 33, 2, 32] }], run: op },
  ], ATTENTION_TOLERANCE);
}
