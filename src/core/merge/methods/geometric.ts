// Merges that use the geometry of the weights rather than a task-vector vote, each with
// mergekit's parameters, defaults and numerical guards (merge_methods/model_stock.py, slerp.py,
// multislerp.py): model stock (Jang et al. 2024), slerp between two models, and multislerp over
// many. sphericalInterpolation is shared with nuslerp.
import * as tf from '@tensorflow/tfjs';
import type { ParamSpec } from '../../params';
import { WEIGHT } from '../taskArithmetic';
import type { MergeMethod } from '../types';
import { acosAccurate, cosAccurate, param, sinAccurate, sumOf, unread } from './common';

/**
 * Slerp of v0 and v1 at t along the great circle between them: (sin((1−t)θ) v0 + sin(tθ) v1) / sin θ,
 * θ = acos(dot), where `dot` is the cosine of their directions (broadcast against v0); linear
 * interpolation where `colinear` holds. The unnormalised vectors are interpolated, as mergekit does.
 */
export function sphericalInterpolation(t: number, v0: tf.Tensor, v1: tf.Tensor, dot: tf.Tensor, colinear: tf.Tensor): tf.Tensor {
  const theta = acosAccurate(tf.clipByValue(dot, -1, 1));
  const sinTheta = sinAccurate(theta);
  // t outside [0, 1] is refused by the schemas, so both angles stay in [0, π].
  const spherical = tf.div(tf.add(tf.mul(v0, sinAccurate(tf.mul(theta, 1 - t))), tf.mul(v1, sinAccurate(tf.mul(theta, t)))), sinTheta);
  const lerp = tf.add(tf.mul(v0, 1 - t), tf.mul(v1, t));
  return tf.where(tf.broadcastTo(colinear, v0.shape), lerp, spherical);
}

// ---- model stock ----

const FILTER_WISE: ParamSpec = { name: 'filter_wise', kind: 'boolean', label: 'filter-wise', help: 'one interpolation ratio per row (output unit) instead of one per tensor; mergekit: "not generally recommended"', default: false };

export const modelStock: MergeMethod = {
  id: 'model_stock',
  label: 'Model stock',
  description: 't = N cos θ / (1 + (N − 1) cos θ) from the mean pairwise cosine of the task vectors; θ = t · mean(θi) + (1 − t) · θ0. As mergekit, a cosine divides by max(|τi||τj|, 1e-6) and is clamped to [−1, 1].',
  paper: { title: 'Jang et al. 2024, Model Stock: All we need is just a few fine-tuned models', url: 'https://arxiv.org/abs/2403.19522' },
  mergekitName: 'model_stock',
  base: 'required',
  globalParams: [FILTER_WISE],
  modelParams: [],
  ignoredParams: unread('model_stock', ['weight', 'density', 'normalize']),
  mergeTensor({ base, models, global }) {
    const n = models.length;
    const b = base!;
    // Per tensor: one row of all entries; filter-wise: the rows of the last axis (a 1-D tensor is one row).
    const rowShape = param<boolean>(global, FILTER_WISE) && b.rank >= 2 ? [-1, b.shape[b.rank - 1]] : [1, -1];
    const w0 = tf.reshape(b, rowShape);
    const ws = models.map((m) => tf.reshape(m, rowShape));
    const taus = ws.map((w) => tf.sub(w, w0));
    const norms = taus.map((x) => tf.norm(x, 'euclidean', -1, true)); // (rows, 1)
    const cosines: tf.Tensor[] = [];
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const dot = tf.sum(tf.mul(taus[i], taus[j]), -1, true);
        cosines.push(tf.clipByValue(tf.div(dot, tf.maximum(tf.mul(norms[i], norms[j]), 1e-6)), -1, 1));
      }
    }
    const cos = tf.div(sumOf(cosines), cosines.length);
    const t = tf.div(tf.mul(cos, n), tf.add(1, tf.mul(cos, n - 1))); // (rows, 1)
    const mean = tf.div(sumOf(ws), n);
    return tf.reshape(tf.add(tf.mul(mean, t), tf.mul(w0, tf.sub(1, t))), b.shape);
  },
};

// ---- slerp ----

/** Above this |cos| the two directions are nearly colinear and slerp falls back to lerp (mergekit's DOT_THRESHOLD). */
const COLINEAR = 0.9995;
/** mergekit's slerp leaves a vector whose norm is at most this unnormalised when it takes the cosine. */
const SLERP_EPS = 1e-8;

/** v / |v|, or v itself when |v| ≤ eps (mergekit slerp's normalize). */
function unitOrSelf(v: tf.Tensor, eps: number): tf.Tensor {
  const norm = tf.norm(v);
  return tf.mul(v, tf.where(tf.greater(norm, eps), tf.div(1, norm), tf.scalar(1)));
}

export const slerp: MergeMethod = {
  id: 'slerp',
  label: 'SLERP',
  description: 'Spherical interpolation between two models at t (t = 0 gives the first, mergekit\'s base_model): along the great circle between their directions; linear when |cos θ| > 0.9995.',
  paper: { title: 'Shoemake 1985, Animating rotation with quaternion curves (as used for model merging by mergekit)', url: 'https://dl.acm.org/doi/10.1145/325165.325242' },
  mergekitName: 'slerp',
  base: 'none',
  expertCount: 2,
  // mergekit requires t (no default); the form starts at the midpoint.
  globalParams: [{ name: 't', kind: 'number', label: 't', help: 'interpolation: 0 = first model, 1 = second (mergekit requires it)', mergekitRequired: true, default: 0.5, min: 0, max: 1 }],
  modelParams: [],
  ignoredParams: unread('slerp', ['weight', 'density', 'normalize']),
  mergeTensor({ models, global }) {
    const [a, b] = models;
    const dot = tf.sum(tf.mul(unitOrSelf(a, SLERP_EPS), unitOrSelf(b, SLERP_EPS)));
    return sphericalInterpolation(global.t as number, a, b, dot, tf.greater(tf.abs(dot), COLINEAR));
  },
};

// ---- multislerp ----

const NORMALIZE_WEIGHTS: ParamSpec = { name: 'normalize_weights', kind: 'boolean', label: 'normalize weights', help: 'divide the weights by their sum (mergekit\'s normalize_weights); off, the merged norm is Σ w |v|', default: true };
const EPS: ParamSpec = { name: 'eps', kind: 'number', label: 'eps', help: 'added to each norm before dividing by it, and to the tangent norm', default: 1e-8, min: 0, max: 1 };

export const multislerp: MergeMethod = {
  id: 'multislerp',
  label: 'Multi-SLERP',
  description: 'Barycentric interpolation on the unit sphere (mergekit\'s multislerp): the weighted mean of the unit directions, projected to the sphere through the tangent space there, times the weighted mean norm; with a base, of the task vectors. When the mean direction vanishes (|Σ w u| < eps), two models fall back to Σ w v; more cannot be merged.',
  paper: { title: 'Goddard, Multi-SLERP (mergekit), after Buss & Fillmore 2001, Spherical averages and applications to spherical splines and interpolation', url: 'https://goddard.blog/posts/multislerp-wow-what-a-cool-idea' },
  mergekitName: 'multislerp',
  base: 'optional',
  globalParams: [NORMALIZE_WEIGHTS, EPS],
  modelParams: [WEIGHT],
  // The paper's configs give normalize: true to multislerp; mergekit's multislerp reads normalize_weights.
  ignoredParams: [...unread('multislerp', ['density']), { name: 'normalize', scope: 'global', why: 'mergekit\'s multislerp reads normalize_weights (default true), not normalize' }],
  mergeTensor({ base, models, perModel, global }) {
    const eps = param<number>(global, EPS);
    const raw = perModel.map((p) => p.weight as number);
    const total = raw.reduce((a, b) => a + b, 0);
    const w = param<boolean>(global, NORMALIZE_WEIGHTS) ? raw.map((x) => x / total) : raw;
    const vs = models.map((m) => (base ? tf.sub(m, base) : m));
    const norms = vs.map((v) => tf.norm(v));
    const units = vs.map((v, i) => tf.div(v, tf.add(norms[i], eps)));
    const mean = sumOf(units.map((u, i) => tf.mul(u, w[i])));
    const meanNorm = tf.norm(mean);
    const dir = tf.div(mean, meanNorm);
    // The tangent step at the mean direction (≈ 0 in exact arithmetic; kept as mergekit computes it).
    const tangent = sumOf(units.map((u, i) => tf.mul(tf.sub(u, tf.mul(dir, tf.sum(tf.mul(u, dir)))), w[i])));
    const tangentNorm = tf.add(tf.norm(tangent), eps);
    const onSphere = tf.add(tf.mul(dir, cosAccurate(tangentNorm)), tf.mul(tangent, tf.div(sinAccurate(tangentNorm), tangentNorm)));
    const merged = tf.mul(onSphere, sumOf(norms.map((n, i) => tf.mul(n, w[i]))));
    // mergekit's fallback for a vanishing mean direction: linear for two models, an error for more
    // (here NaN, which runMerge reports as non-finite values in this tensor).
    const fallback = models.length === 2 ? sumOf(vs.map((v, i) => tf.mul(v, w[i]))) : tf.fill(merged.shape, NaN);
    const out = tf.where(tf.less(meanNorm, eps), fallback, merged);
    return base ? tf.add(out, base) : out;
  },
};
