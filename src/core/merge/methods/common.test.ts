// The backend-independent trigonometry of common.ts against Math's, on the float32 grid.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { acosAccurate, cosAccurate, sinAccurate } from './common';

const grid = (lo: number, hi: number, n = 20001) => Float32Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
const worst = (f: (x: tf.Tensor) => tf.Tensor, ref: (x: number) => number, xs: Float32Array) => {
  const ys = tf.tidy(() => f(tf.tensor(xs)).dataSync());
  return xs.reduce((m, x, i) => Math.max(m, Math.abs(ys[i] - ref(x))), 0);
};

describe('accurate acos, sin, cos', () => {
  it('acos on [−1, 1] within 5e-7 (tf.acos on SwiftShader WebGPU: 6.8e-5)', () => {
    expect(worst(acosAccurate, Math.acos, grid(-1, 1))).toBeLessThan(5e-7);
  });
  it('sin and cos on [0, π] within 3e-7 (tf.sin, tf.cos on SwiftShader WebGPU: 1.9e-4)', () => {
    expect(worst(sinAccurate, Math.sin, grid(0, Math.PI))).toBeLessThan(3e-7);
    expect(worst(cosAccurate, Math.cos, grid(0, Math.PI))).toBeLessThan(3e-7);
  });
});
