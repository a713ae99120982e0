// Test helpers for the merge-method files: random tensors, a merge run through planMerge (so
// omitted parameters take the method's declared defaults, as in the studio), and a comparison
// with a plain-loop reference. Imported only by tests.
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { planMerge, tensorParams } from '../merge';
import { mulberry32 } from '../../rng';
import { referenceKernels } from '../../kernels';

export function randomVec(seed: number, n: number, scale = 1): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
}

/** base + scale · noise, one expert per seed. */
export function expertsAround(base: Float32Array, seeds: number[], scale: number): Float32Array[] {
  return seeds.map((s) => Float32Array.from(base, (b, i) => b + randomVec(s, base.length, scale)[i]));
}

export interface MergeCase {
  method: string;
  base?: Float32Array;
  models: Float32Array[];
  /** Each expert's parameters as a user gives them (omitted ones take the declared defaults). */
  perModel?: Record<string, unknown>[];
  params?: Record<string, unknown>;
  shape?: number[];
}

/** Merges one tensor the way runMerge does: planMerge validates and fills defaults, then mergeTensor. */
export function mergeOne(c: MergeCase): Float32Array {
  const plan = planMerge({
    method: c.method,
    base: c.base ? 'base' : undefined,
    models: c.models.map((_, i) => ({ id: `m${i}`, ...(c.perModel?.[i] ?? {}) })),
    params: c.params ?? {},
  });
  const shape = c.shape ?? [c.models[0].length];
  const { perModel, global } = tensorParams(plan, 't', 0);
  return tf.tidy(() => plan.method.mergeTensor({
    name: 't',
    base: c.base ? tf.tensor(c.base, shape) : undefined,
    models: c.models.map((m) => tf.tensor(m, shape)),
    perModel,
    global,
    noiseSeed: () => 0,
  }, referenceKernels).dataSync() as Float32Array);
}

/** |a − b| ≤ tol · max(1, |b|) entry by entry, naming the first entry that is off. */
export function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-6): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `entry ${i}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i])));
}

/** The largest |a − b|: the tests use it to show that a wrong parameter would be caught. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

// ---- plain vector arithmetic for the references (double precision, no tfjs) ----
export type Vec = number[];
export const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
export const norm = (a: ArrayLike<number>): number => Math.sqrt(dot(a, a));
export const sub = (a: ArrayLike<number>, b: ArrayLike<number>): Vec => Array.from(a, (v, i) => v - b[i]);
export const add = (a: ArrayLike<number>, b: ArrayLike<number>): Vec => Array.from(a, (v, i) => v + b[i]);
export const scale = (a: ArrayLike<number>, s: number): Vec => Array.from(a, (v) => v * s);
