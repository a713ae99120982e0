// AdamW on plain arrays, one element at a time: the CPU reference the fused GPU kernel
// (gpu/kernels/adamw) and the tfjs-op optimizer (adamw.ts) are both checked against.
import type { AdamWOptions } from './adamw';

/** Updates p, m, v in place for update number `step` (1-based); `scale` is the clipping factor. */
export function adamwReferenceStep(p: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, o: AdamWOptions & { lr: number; step: number; decay: boolean; scale: number }): void {
  const bc1 = 1 - Math.pow(o.beta1, o.step);
  const bc2 = 1 - Math.pow(o.beta2, o.step);
  const wd = o.decay ? o.weightDecay : 0;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i] * o.scale;
    m[i] = o.beta1 * m[i] + (1 - o.beta1) * gi;
    v[i] = o.beta2 * v[i] + (1 - o.beta2) * gi * gi;
    p[i] = p[i] * (1 - o.lr * wd) - (o.lr * (m[i] / bc1)) / (Math.sqrt(v[i] / bc2) + o.eps);
  }
}

/** The clipping factor of torch.nn.utils.clip_grad_norm_: min(1, max / (norm + 1e-6)); 1 when off. */
export function clipScale(norm: number, maxNorm: number): number {
  return maxNorm > 0 && Number.isFinite(maxNorm) ? Math.min(1, maxNorm / (norm + 1e-6)) : 1;
}
