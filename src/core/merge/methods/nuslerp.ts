// NuSLERP (mergekit's nuslerp): slerp of two models, or of their task vectors when a base is
// given, at t = w2 / (w1 + w2) from the per-model weights; over the whole tensor (flatten, the
// default) or row by row. Follows mergekit/merge_methods/nuslerp.py, including its guards: norms
// clamped at 1e-7, linear interpolation where |sin θ| < 1e-8, t = 0.5 when |w1 + w2| < 1e-6.
import * as tf from '@tensorflow/tfjs';
import type { ParamSpec } from '../../params';
import { WEIGHT } from '../taskArithmetic';
import type { MergeMethod } from '../types';
import { acosAccurate, param, sinAccurate, unread } from './common';
import { sphericalInterpolation } from './geometric';

const ROW_WISE: ParamSpec = { name: 'nuslerp_row_wise', kind: 'boolean', label: 'row-wise', help: 'without flatten: slerp the vectors along the first axis (mergekit\'s nuslerp_row_wise) instead of along the last', default: false };
const FLATTEN: ParamSpec = { name: 'nuslerp_flatten', kind: 'boolean', label: 'flatten', help: 'slerp each tensor as one vector (mergekit\'s nuslerp_flatten); off: vector by vector', default: true };

/** Swaps the first and the last axis (torch's transpose(0, -1)); a no-op below rank 2. */
function swapFirstLast(x: tf.Tensor): tf.Tensor {
  if (x.rank < 2) return x;
  const perm = x.shape.map((_, i) => i);
  [perm[0], perm[x.rank - 1]] = [perm[x.rank - 1], perm[0]];
  return tf.transpose(x, perm);
}

/** v / max(|v|, 1e-7) along the last axis. */
function unitRows(v: tf.Tensor): tf.Tensor {
  return tf.div(v, tf.maximum(tf.norm(v, 'euclidean', -1, true), 1e-7));
}

export const nuslerp: MergeMethod = {
  id: 'nuslerp',
  label: 'NuSLERP',
  description: 'Slerp of two models at t = w₂ / (w₁ + w₂) from their weights; with a base, of their task vectors, added back to the base. Over the whole tensor, or vector by vector (rows, or with row-wise the vectors along the first axis).',
  paper: { title: 'NuSLERP (arcee-ai mergekit), after Shoemake 1985, Animating rotation with quaternion curves', url: 'https://github.com/arcee-ai/mergekit/blob/main/docs/merge_methods.md#nuslerp-nuslerp' },
  mergekitName: 'nuslerp',
  base: 'optional',
  expertCount: 2,
  globalParams: [ROW_WISE, FLATTEN],
  modelParams: [WEIGHT],
  ignoredParams: unread('nuslerp', ['density', 'normalize']),
  mergeTensor({ base, models, perModel, global }) {
    const [w0, w1] = perModel.map((p) => p.weight as number);
    const t = Math.abs(w0 + w1) < 1e-6 ? 0.5 : w1 / (w0 + w1);
    const shape = models[0].shape;
    const flatten = param<boolean>(global, FLATTEN);
    const rowWise = param<boolean>(global, ROW_WISE);
    // Vectors along the last axis: the whole tensor as one, the tensor's rows, or its columns.
    const arrange = (x: tf.Tensor) => (flatten ? tf.reshape(x, [-1]) : rowWise ? swapFirstLast(x) : x);
    const [v0, v1] = models.map((m) => arrange(base ? tf.sub(m, base) : m));
    const dot = tf.sum(tf.mul(unitRows(v0), unitRows(v1)), -1, true);
    const colinear = tf.less(tf.abs(sinAccurate(acosAccurate(tf.clipByValue(dot, -1, 1)))), 1e-8);
    const res = sphericalInterpolation(t, v0, v1, dot, colinear);
    const out = tf.reshape(flatten || !rowWise ? res : swapFirstLast(res), shape);
    return base ? tf.add(base, out) : out;
  },
};
