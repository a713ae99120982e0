// Gradient clipping by global norm, as torch.nn.utils.clip_grad_norm_.
import * as tf from '@tensorflow/tfjs';

/** The L2 norm of all tensors together with stock tfjs ops, as a scalar tensor. */
export function stockGlobalNorm(tensors: tf.Tensor[]): tf.Scalar {
  // stack + sum rather than tf.addN: tfjs-backend-webgpu 4.22's AddN of many scalars returns
  // only the last input (caught by the backend parity check).
  const sq = tensors.map((g) => tf.sum(tf.square(g)));
  return tf.sqrt(tf.sum(tf.stack(sq))) as tf.Scalar;
}

// The implementation in use: the stock ops, or the GPU kernel gpu/register.ts installs. The
// core never imports the GPU code.
let activeGlobalNorm: (tensors: tf.Tensor[]) => tf.Scalar = stockGlobalNorm;

export function setGlobalNorm(f: (tensors: tf.Tensor[]) => tf.Scalar): void {
  activeGlobalNorm = f;
}

/** The L2 norm of all gradients together, as a scalar tensor. */
export function globalNorm(grads: Record<string, tf.Tensor>): tf.Scalar {
  return activeGlobalNorm(Object.values(grads));
}

/**
 * Scales all gradients by min(1, maxNorm / (norm + 1e-6)); returns the clipped gradients and the
 * norm before clipping (a scalar tensor, so reading it does not force a GPU sync here).
 */
export function clipByGlobalNorm(grads: Record<string, tf.Tensor>, maxNorm: number): { grads: Record<string, tf.Tensor>; norm: tf.Scalar } {
  const norm = globalNorm(grads);
  if (!(maxNorm > 0) || !Number.isFinite(maxNorm)) return { grads, norm };
  const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
  const out: Record<string, tf.Tensor> = {};
  for (const [k, g] of Object.entries(grads)) out[k] = tf.mul(g, scale);
  return { grads: out, norm };
}
