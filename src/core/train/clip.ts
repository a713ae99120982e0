// Gradient clipping by global norm, as torch.nn.utils.clip_grad_norm_, with the norm from the
// Kernels value the caller passes (our GPU kernel, or the stock ops below).
import * as tf from '@tensorflow/tfjs';
import type { Kernels } from '../kernels';

/** The L2 norm of all tensors together with stock tfjs ops, as a scalar tensor. */
export function stockGlobalNorm(tensors: tf.Tensor[]): tf.Scalar {
  // stack + sum rather than tf.addN: tfjs-backend-webgpu 4.22's AddN of many scalars returns
  // only the last input (caught by the backend parity check).
  const sq = tensors.map((g) => tf.sum(tf.square(g)));
  return tf.sqrt(tf.sum(tf.stack(sq))) as tf.Scalar;
}

/** The L2 norm of all gradients together, as a scalar tensor. */
export function globalNorm(grads: Record<string, tf.Tensor>, kernels: Pick<Kernels, 'globalNorm'>): tf.Scalar {
  return kernels.globalNorm(Object.values(grads));
}

/**
 * Scales all gradients by min(1, maxNorm / (norm + 1e-6)); returns the clipped gradients and the
 * norm before clipping (a scalar tensor, so reading it does not force a GPU sync here).
 */
export function clipByGlobalNorm(grads: Record<string, tf.Tensor>, maxNorm: number, kernels: Pick<Kernels, 'globalNorm'>): { grads: Record<string, tf.Tensor>; norm: tf.Scalar } {
  const norm = globalNorm(grads, kernels);
  if (!(maxNorm > 0) || !Number.isFinite(maxNorm)) return { grads, norm };
  const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
  const out: Record<string, tf.Tensor> = {};
  for (const [k, g] of Object.entries(grads)) out[k] = tf.mul(g, scale);
  return { grads: out, norm };
}
