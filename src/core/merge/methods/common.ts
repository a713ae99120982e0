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
