// Small pieces the merge-method files share: reading a parameter with its declared default, and
// summing tensors in a way every backend gets right and fast.
import * as tf from '@tensorflow/tfjs';
import type { ParamSpec, ParamValues } from '../../params';

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
