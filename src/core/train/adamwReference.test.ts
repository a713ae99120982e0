import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { AdamW, DEFAULT_ADAMW, type FusedAdamWStep } from './adamw';
import { adamwReferenceStep, clipScale } from './adamwReference';
import { globalNorm } from './clip';
import { mulberry32 } from '../rng';
import { referenceKernels } from '../kernels';

/** A "fused" step made of the reference loop, to check applyFused's wiring (bias correction, decay, clip). */
const referenceFused: FusedAdamWStep = (items, h, clip) => {
  const scale = clip ? clipScale(clip.norm.dataSync()[0], clip.maxNorm) : 1;
  const step = Math.round(Math.log(1 - h.bc1) / Math.log(h.beta1));
  for (const it of items) {
    const [p, m, v, g] = [it.p, it.m, it.v, it.g].map((t) => Float32Array.from(t.dataSync()));
    adamwReferenceStep(p, m, v, g, { ...h, step, decay: it.decay, scale });
    it.p.assign(tf.tensor(p, it.p.shape));
    it.m.assign(tf.tensor(m, it.m.shape));
    it.v.assign(tf.tensor(v, it.v.shape));
  }
};

describe('AdamW reference', () => {
  it('matches the tfjs-op AdamW, and applyFused matches apply, over three clipped steps', () => {
    const rand = mulberry32(4);
    const shapes: Record<string, number[]> = { w: [6, 5], gain: [5] };
    const init = Object.fromEntries(Object.entries(shapes).map(([n, s]) => [n, Float32Array.from({ length: s.reduce((a, b) => a * b) }, () => rand() - 0.5)]));
    const make = () => Object.fromEntries(Object.entries(shapes).map(([n, s]) => [n, tf.variable(tf.tensor(init[n], s))]));
    const [a, b] = [make(), make()];
    const optA = new AdamW(a, { ...DEFAULT_ADAMW, weightDecay: 0.1 });
    const optB = new AdamW(b, { ...DEFAULT_ADAMW, weightDecay: 0.1 });
    const ref = Object.fromEntries(Object.entries(init).map(([n, d]) => [n, { p: d.slice(), m: new Float32Array(d.length), v: new Float32Array(d.length) }]));
    for (let step = 1; step <= 3; step++) {
      const g = Object.fromEntries(Object.entries(shapes).map(([n, s]) => [n, Float32Array.from({ length: s.reduce((x, y) => x * y) }, () => (rand() - 0.5) * 4)]));
      const norm = Math.sqrt(Object.values(g).reduce((s, x) => s + x.reduce((t, y) => t + y * y, 0), 0));
      for (const n of Object.keys(shapes)) adamwReferenceStep(ref[n].p, ref[n].m, ref[n].v, g[n], { ...DEFAULT_ADAMW, weightDecay: 0.1, lr: 0.05, step, decay: shapes[n].length >= 2, scale: clipScale(norm, 1) });
      tf.tidy(() => {
        const grads = Object.fromEntries(Object.entries(shapes).map(([n, s]) => [n, tf.tensor(g[n], s)]));
        const scale = clipScale(norm, 1);
        expect(scale).toBeLessThan(1); // clipping is active in this test
        optA.apply(Object.fromEntries(Object.entries(grads).map(([n, x]) => [n, tf.mul(x, scale)])), 0.05);
        optB.applyFused(referenceFused, grads, 0.05, { norm: globalNorm(grads, referenceKernels), maxNorm: 1 });
      });
    }
    for (const n of Object.keys(shapes)) {
      const pa = a[n].dataSync();
      const pb = b[n].dataSync();
      for (let i = 0; i < pa.length; i++) {
        expect(Math.abs(pa[i] - ref[n].p[i])).toBeLessThan(1e-6);
        expect(Math.abs(pb[i] - ref[n].p[i])).toBeLessThan(1e-6);
      }
    }
    expect(Array.from(b.gain.dataSync())).not.toEqual(Array.from(init.gain)); // the gain trained, without decay
  });
});
