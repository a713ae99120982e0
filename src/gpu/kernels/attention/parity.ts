// Causal attention kernel against the stock masked-softmax ops on the CPU: grouped-query heads
// (4 query heads on 2 KV heads) with the tiny model's head size, three query heads on one KV
// head, and plain multi-head attention with a longer odd sequence and head size 32.
// Tolerance: float32 rounding of the softmax sums and of gradients summed over positions.
import type * as tf from '@tensorflow/tfjs';
import { checkOpParity, type KernelParity } from '../parity';
import { stockCausalAttention } from '../../../core/model/kernels';
import type { AttentionCandidate } from '../../autotune/table';
import { attentionBy } from './candidates';
import { causalAttentionKernel } from './causalAttention';

export const ATTENTION_TOLERANCE = 1e-4;

/** (q shape, kv shape) of each case. */
const CASES: [number[], number[]][] = [
  [[2, 7, 4, 8], [2, 7, 2, 8]],
  [[1, 6, 3, 16], [1, 6, 1, 16]],
  [[1, 33, 2, 32], [1, 33, 2, 32]],
];

function check(name: string, ours: (q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D) => tf.Tensor4D): Promise<KernelParity> {
  const op = (useOurs: boolean, [q, k, v]: tf.Tensor[]) => (useOurs ? ours : stockCausalAttention)(q as tf.Tensor4D, k as tf.Tensor4D, v as tf.Tensor4D);
  return checkOpParity(name, CASES.map(([q, kv]) => ({ inputs: [{ shape: q }, { shape: kv }, { shape: kv }], run: op })), ATTENTION_TOLERANCE);
}

export function checkAttentionParity(): Promise<KernelParity> {
  return check('attention', causalAttentionKernel);
}

/**
 * One attention candidate of the tuner with the cases and tolerance above: 'fused' is our kernel,
 * 'tfjs' the composed ops on the active backend (its parity is the stock ops' own float noise).
 */
export function checkAttentionCandidateParity(candidate: AttentionCandidate): Promise<KernelParity> {
  return check(`attention:${candidate}`, attentionBy(candidate));
}
