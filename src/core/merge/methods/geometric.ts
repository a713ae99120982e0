// Merges that use the geometry of the weights rather than a task-vector vote:
// model stock (Jang et al. 2024), slerp between two models, and multislerp over many.
import * as tf from '@tensorflow/tfjs';
import { WEIGHT } from '../taskArithmetic';
import type { MergeMethod } from '../types';

/** Cosine similarity of two tensors, flattened, as a scalar tensor (0 when either is zero). */
function cosine(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const denom = tf.mul(tf.norm(a), tf.norm(b));
  return tf.where(tf.greater(denom, 0), tf.div(tf.sum(tf.mul(a, b)), tf.maximum(denom, 1e-30)), tf.scalar(0));
}

export const modelStock: MergeMethod = {
  id: 'model_stock',
  label: 'Model stock',
  description: 't = N cos θ / (1 + (N − 1) cos θ) from the mean pairwise cosine of the task vectors; θ = t · mean(θi) + (1 − t) · θ0.',
  paper: { title: 'Jang et al. 2024, Model Stock: All we need is just a few fine-tuned models', url: 'https://arxiv.org/abs/2403.19522' },
  mergekitName: 'model_stock',
  base: 'required',
  globalParams: [],
  modelParams: [],
  mergeTensor({ base, models }) {
    const n = models.length;
    const taus = models.map((m) => tf.sub(m, base!));
    const cosines: tf.Tensor[] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) cosines.push(cosine(taus[i], taus[j]));
    const cos = tf.mean(tf.stack(cosines));
    const t = tf.div(tf.mul(cos, n), tf.add(1, tf.mul(cos, n - 1)));
    const mean = tf.mean(tf.stack(models), 0);
    return tf.add(tf.mul(mean, t), tf.mul(base!, tf.sub(1, t)));
  },
};

/** Above this |cos| the two directions are nearly colinear and slerp falls back to lerp. */
const COLINEAR = 0.9995;

export const slerp: MergeMethod = {
  id: 'slerp',
  label: 'SLERP',
  description: 'Spherical interpolation between two models at t (t = 0 gives the first): along the great circle between their directions; linear when they are nearly colinear.',
  paper: { title: 'Shoemake 1985, Animating rotation with quaternion curves (as used for model merging by mergekit)', url: 'https://dl.acm.org/doi/10.1145/325165.325242' },
  mergekitName: 'slerp',
  base: 'none',
  expertCount: 2,
  globalParams: [{ name: 't', kind: 'number', label: 't', help: 'interpolation: 0 = first model, 1 = second', default: 0.5, min: 0, max: 1 }],
  modelParams: [],
  mergeTensor({ models, global }) {
    const [a, b] = models;
    const t = global.t as number;
    const dot = cosine(a, b);
    const theta = tf.acos(tf.clipByValue(dot, -1, 1));
    const sinTheta = tf.maximum(tf.sin(theta), 1e-12);
    const s0 = tf.div(tf.sin(tf.mul(theta, 1 - t)), sinTheta);
    const s1 = tf.div(tf.sin(tf.mul(theta, t)), sinTheta);
    const spherical = tf.add(tf.mul(a, s0), tf.mul(b, s1));
    const lerp = tf.add(tf.mul(a, 1 - t), tf.mul(b, t));
    return tf.where(tf.greater(tf.abs(dot), COLINEAR), lerp, spherical);
  },
};

export const multislerp: MergeMethod = {
  id: 'multislerp',
  label: 'Multi-SLERP',
  description: 'Weighted mean direction on the unit sphere, mapped back and rescaled by the weighted mean norm; with a base, of the task vectors.',
  paper: { title: 'mergekit multislerp (spherical averaging after Buss & Fillmore 2001)', url: 'https://github.com/arcee-ai/mergekit' },
  mergekitName: 'multislerp',
  base: 'optional',
  globalParams: [],
  modelParams: [WEIGHT],
  mergeTensor({ base, models, perModel }) {
    const w = perModel.map((p) => p.weight as number);
    const wsum = w.reduce((a, b) => a + b, 0);
    const vs = models.map((m) => (base ? tf.sub(m, base) : m));
    const norms = vs.map((v) => tf.norm(v));
    const units = vs.map((v, i) => tf.div(v, tf.maximum(norms[i], 1e-30)));
    const meanDir = tf.div(tf.sum(tf.stack(units.map((u, i) => tf.mul(u, w[i]))), 0), wsum);
    const dir = tf.div(meanDir, tf.maximum(tf.norm(meanDir), 1e-30));
    const meanNorm = tf.div(tf.sum(tf.stack(norms.map((n, i) => tf.mul(n, w[i])))), wsum);
    const merged = tf.mul(dir, meanNorm);
    return base ? tf.add(base, merged) : merged;
  },
};
