// The hot paths of the decoder as replaceable operations: linear layers, RMSNorm, RoPE, causal
// grouped-query attention, the SwiGLU activation and target log-probabilities. The core keeps the
// stock tfjs-op versions here (they also serve as the references our GPU kernels are checked
// against); a Kernels value (core/kernels.ts) carries one set of them to forward(). The core never
// imports the GPU code: it only sees this interface.
import * as tf from '@tensorflow/tfjs';

export interface ModelOps {
  /** x W^T for x (M, in) and W (out, in): every linear layer. */
  linear(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D;
  /** x * rsqrt(mean(x^2) + eps) * weight over the last axis. */
  rmsNorm(x: tf.Tensor, weight: tf.Tensor, eps: number): tf.Tensor;
  /**
   * Rotary embedding in token-major layout: x (B, T, H, hd), cos/sin (T, hd) with the halves
   * repeated (the transformers layout): x * cos + rotate_half(x) * sin.
   */
  rope(x: tf.Tensor4D, cos: tf.Tensor2D, sin: tf.Tensor2D): tf.Tensor4D;
  /**
   * Causal softmax attention with grouped KV heads, token-major: q (B, T, Hq, hd), k and v
   * (B, T, Hkv, hd), query head h reading KV head floor(h / (Hq / Hkv)); returns (B, T, Hq, hd).
   */
  causalAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D): tf.Tensor4D;
  /** log softmax(logits)[target] per position: logits (B, T, V), targets (B, T) int32 -> (B, T). */
  targetLogProbs(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Tensor2D;
  /** The SiLU-gated MLP activation silu(gate) * up, element-wise over tensors of one shape. */
  swiglu(gate: tf.Tensor, up: tf.Tensor): tf.Tensor;
}

export function stockLinear(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  return tf.matMul(x, w, false, true);
}

export function stockRmsNorm(x: tf.Tensor, weight: tf.Tensor, eps: number): tf.Tensor {
  const ms = tf.mean(tf.square(x), -1, true);
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(ms, eps))), weight);
}

export function stockRope(x: tf.Tensor4D, cos: tf.Tensor2D, sin: tf.Tensor2D): tf.Tensor4D {
  const [, t, , hd] = x.shape;
  const [x1, x2] = tf.split(x, [hd / 2, hd / 2], 3);
  const rotated = tf.concat([tf.neg(x2), x1], 3);
  // (T, hd) -> (T, 1, hd) broadcasts over the head axis.
  return tf.add(tf.mul(x, tf.reshape(cos, [t, 1, hd])), tf.mul(rotated, tf.reshape(sin, [t, 1, hd]))) as tf.Tensor4D;
}

/**
 * Additive causal mask for `groups` query heads stacked along the query axis: (groups x T, T),
 * 0 where query position (row mod T) may look at key position, a large negative number elsewhere.
 */
export function causalMask(seqLen: number, groups = 1): tf.Tensor2D {
  const m = new Float32Array(groups * seqLen * seqLen);
  for (let r = 0; r < groups * seqLen; r++) {
    const i = r % seqLen;
    for (let j = i + 1; j < seqLen; j++) m[r * seqLen + j] = -1e9;
  }
  return tf.tensor2d(m, [groups * seqLen, seqLen]);
}

export function stockCausalAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D): tf.Tensor4D {
  const [b, t, hq, hd] = q.shape;
  const hkv = k.shape[2];
  const headMajor = (x: tf.Tensor) => tf.transpose(x, [0, 2, 1, 3]); // (B, H, T, hd)
  // Grouped-query attention without copying K and V: the n_rep query heads that share a KV head
  // are consecutive, so (B, Hq, T, hd) regroups as (B, Hkv, n_rep x T, hd) against (B, Hkv, T, hd).
  const nRep = hq / hkv;
  const qGrouped = tf.reshape(headMajor(q), [b, hkv, nRep * t, hd]);
  const scores = tf.add(tf.mul(tf.matMul(qGrouped, headMajor(k), false, true), 1 / Math.sqrt(hd)), causalMask(t, nRep)); // (B, Hkv, n_rep T, T)
  const attn = tf.reshape(tf.matMul(tf.softmax(scores, -1), headMajor(v)), [b, hq, t, hd]);
  return headMajor(attn) as tf.Tensor4D;
}

export function stockTargetLogProbs(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Tensor2D {
  const logp = tf.logSoftmax(logits, -1);
  const onehot = tf.oneHot(targets, logits.shape[2], 1, 0, 'float32');
  return tf.sum(tf.mul(logp, onehot), -1) as tf.Tensor2D;
}

export function stockSwiglu(gate: tf.Tensor, up: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(gate, tf.sigmoid(gate)), up);
}

/** The stock tfjs ops: the CPU reference, and what runs wherever no kernel of ours does. */
export const STOCK_MODEL_OPS: ModelOps = {
  linear: stockLinear,
  rmsNorm: stockRmsNorm,
  rope: stockRope,
  causalAttention: stockCausalAttention,
  targetLogProbs: stockTargetLogProbs,
  swiglu: stockSwiglu,
};
