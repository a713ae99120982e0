// Parity of the fused AdamW kernel: three updates of random parameters (matrices with decay, a
// norm gain without, one tensor past a single dispatch row) against the CPU reference loop and
// the stock tfjs-op AdamW, with clipping active. Tolerance: float32 rounding of a few steps.
import * as tf from '@tensorflow/tfjs';
import { AdamW, DEFAULT_ADAMW } from '../../../core/train/adamw';
import { adamwReferenceStep, clipScale } from '../../../core/train/adamwReference';
import { globalNorm } from '../../../core/train/clip';
import { referenceKernels } from '../../../core/kernels';
import { mulberry32 } from '../../../core/rng';
import { fusedAdamWStep } from './fusedAdamW';
import type { KernelParity } from '../parity';

export type { KernelParity };


const SHAPES: Record<string, number[]> = { 'w.weight': [48, 40], 'norm.weight': [40], 'big.weight': [300, 300] };
const STEPS = 3;
const LR = 1e-2;
const CLIP = 0.5;
export const ADAMW_TOLERANCE = 1e-5;

export async function checkAdamWParity(seed = 0): Promise<KernelParity> {
  const rand = mulberry32(seed);
  const init = Object.fromEntries(Object.entries(SHAPES).map(([n, s]) => [n, Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rand() * 2 - 1)]));
  const gradsOf = (step: number) => Object.fromEntries(Object.entries(SHAPES).map(([n, s]) => {
    const r = mulberry32(seed * 1000 + step * 17 + n.length);
    return [n, Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => (r() * 2 - 1) * 0.3)];
  }));

  // CPU reference.
  const ref = Object.fromEntries(Object.entries(init).map(([n, d]) => [n, { p: d.slice(), m: new Float32Array(d.length), v: new Float32Array(d.length) }]));
  for (let step = 1; step <= STEPS; step++) {
    const g = gradsOf(step);
    const norm = Math.sqrt(Object.values(g).reduce((a, x) => a + x.reduce((b, y) => b + y * y, 0), 0));
    for (const n of Object.keys(SHAPES)) adamwReferenceStep(ref[n].p, ref[n].m, ref[n].v, g[n], { ...DEFAULT_ADAMW, lr: LR, step, decay: SHAPES[n].length >= 2, scale: clipScale(norm, CLIP) });
  }

  const run = async (fused: boolean): Promise<number> => {
    const params = Object.fromEntries(Object.entries(SHAPES).map(([n, s]) => [n, tf.tidy(() => tf.variable(tf.tensor(init[n], s), true, `parity-${fused}-${n}`))]));
    const opt = new AdamW(params, DEFAULT_ADAMW);
    for (let step = 1; step <= STEPS; step++) {
      const g = gradsOf(step);
      tf.tidy(() => {
        const grads = Object.fromEntries(Object.entries(SHAPES).map(([n, s]) => [n, tf.tensor(g[n], s)]));
        const norm = globalNorm(grads, referenceKernels);
        if (fused) opt.applyFused(fusedAdamWStep, grads, LR, { norm, maxNorm: CLIP });
        else {
          const scale = tf.minimum(1, tf.div(CLIP, tf.add(norm, 1e-6)));
          opt.apply(Object.fromEntries(Object.entries(grads).map(([n, x]) => [n, tf.mul(x, scale)])), LR);
        }
      });
    }
    let max = 0;
    for (const [n, v] of Object.entries(params)) {
      const d = (await v.data()) as Float32Array;
      for (let i = 0; i < d.length; i++) max = Math.max(max, Math.abs(d[i] - ref[n].p[i]));
    }
    opt.dispose();
    for (const v of Object.values(params)) v.dispose();
    return max;
  };
  const maxAbsDiff = await run(true);
  const stockMaxAbsDiff = await run(false);
  return { kernel: 'adamw', backend: tf.getBackend(), maxAbsDiff, stockMaxAbsDiff, tolerance: ADAMW_TOLERANCE, ok: maxAbsDiff <= ADAMW_TOLERANCE };
}
