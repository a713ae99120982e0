// The tuner's attention candidates (autotune/table.ts TUNED_KERNELS.attention) as one function,
// and the attention the model runs when a tuning table is loaded: the candidate chosen for the
// call's shape bucket, our fused kernel where that shape was never timed.
import type * as tf from '@tensorflow/tfjs';
import { stockCausalAttention } from '../../../core/model/kernels';
import { attentionShapeOf, type AttentionCandidate, type KernelTuning } from '../../autotune/table';
import { causalAttentionKernel } from './causalAttention';

type Attention = (q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D) => tf.Tensor4D;

/** 'fused': our kernel; 'tfjs': the composed tfjs ops (scores materialized) on the active backend. */
export function attentionBy(candidate: AttentionCandidate): Attention {
  return candidate === 'tfjs' ? stockCausalAttention : causalAttentionKernel;
}

export function tunedAttention(tuning: KernelTuning): Attention {
  return (q, k, v) => attentionBy((tuning.choice(attentionShapeOf(q.shape, k.shape)) as AttentionCandidate | undefined) ?? 'fused')(q, k, v);
}
