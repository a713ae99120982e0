// Small pieces the merge-method files share: reading a parameter with its declared default,
// summing tensors in a way every backend gets right and fast, and naming the keys mergekit ignores.
import * as tf from '@tensorflow/tfjs';
import type { ParamSpec, ParamValues } from '../../params';
import type { MergeMethod } from '../types';

/** A parameter's value, or its declared default when a caller bypassed planMerge's validation. */
export function param<T extends number | boolean>(values: ParamValues, spec: ParamSpec): T {
  return (values[spec.name] ?? spec.default) as T;
}

/**
 * Sum of same-shaped tensors entry by entry. Not tf.addN, which the WebGPU backend gets wrong for
 * many inputs, nor a reduction over a stacked axis 0, which tfjs-backend-webgpu runs as one
 * workgroup per output entry (see merge.ts).
 */
export function sumOf(xs: tf.Tensor[]): tf.Tensor {
  return xs.reduce((a, b) => tf.add(a, b));
}

/**
 * Keys a mergekit config may give that this method does not read (mergekit ignores every key a
 * method does not declare): accepted and named in the plan's notes. These are the ones the
 * paper's configs give to every method: weight and density per model, normalize globally.
 */
export function unread(method: string, keys: ('weight' | 'density' | 'normalize')[]): NonNullable<MergeMethod['ignoredParams']> {
  return keys.map((name) => ({ name, scope: name === 'normalize' ? 'global' : 'model', why: `mergekit's ${method} does not read ${name}` }));
}

// WGSL leaves acos, sin and cos loose (acos inherits atan2's 4096 ULP; sin and cos have an
// absolute error of 2^-11 on [−π, π]), and SwiftShader uses that room: measured there, tf.acos
// is off by 6.8e-5 and tf.sin / tf.cos by 1.9e-4, so a slerp's coefficients moved merged weights
// by 3e-5. These versions use only +, ×, sqrt and select, so every backend agrees with the
// CPU (and with mergekit's float32 trigonometry) to float rounding: measured in float32, acos
// within 4.2e-7 on [−1, 1] and sin within 2e-7 on [0, π].

/** Abramowitz & Stegun 4.4.46: acos|x| = sqrt(1 − |x|) · a(|x|) with |error| ≤ 2e-8; acos(−x) = π − acos(x). */
const ACOS = [1.570796305, -0.2145988016, 0.0889789874, -0.0501743046, 0.030891881, -0.0170881256, 0.0066700901, -0.0012624911];

/** acos(x) for x in [−1, 1]. */
export function acosAccurate(x: tf.Tensor): tf.Tensor {
  const ax = tf.abs(x);
  const poly = ACOS.reduceRight<tf.Tensor>((acc, c) => tf.add(tf.mul(acc, ax), c), tf.zerosLike(ax));
  const r = tf.mul(tf.sqrt(tf.sub(1, ax)), poly);
  return tf.where(tf.less(x, 0), tf.sub(Math.PI, r), r);
}

/** sin(r) for r in [−π/2, π/2]: the Taylor series to r¹¹ (remainder below 6e-8). */
function sinHalfPeriod(r: tf.Tensor): tf.Tensor {
  const z = tf.square(r);
  const p = [110, 72, 42, 20, 6].reduce<tf.Tensor>((acc, d) => tf.sub(1, tf.mul(tf.div(z, d), acc)), tf.onesLike(z));
  return tf.mul(r, p);
}

/** sin(x) for x in [0, π] (sin x = sin(π − x)). */
export function sinAccurate(x: tf.Tensor): tf.Tensor {
  return sinHalfPeriod(tf.minimum(x, tf.sub(Math.PI, x)));
}

/** cos(x) for x in [0, π] (cos x = sin(π/2 − x)). */
export function cosAccurate(x: tf.Tensor): tf.Tensor {
  return sinHalfPeriod(tf.sub(Math.PI / 2, x));
}
