// The Karcher mean (Riemannian centre of mass, Karcher 1977) of the experts' directions on the unit
// sphere, scaled by their mean norm, as mergekit's karcher computes it (merge_methods/karcher.py):
// equal weights; vectors with norm ≤ tol left out of the direction; start at the normalised mean
// of the unit vectors; at most max_iter steps u ← exp_u(Σ a_i log_u(u_i)), skipping points within
// tol of u and stopping once the step is shorter than tol. mergekit's data-dependent branches are
// tensor selects here, so nothing is read back to the CPU mid-merge.
import * as tf from '@tensorflow/tfjs';
import type { ParamSpec } from '../../params';
import type { MergeMethod } from '../types';
import { acosAccurate, cosAccurate, param, sinAccurate, sumOf, unread } from './common';

const MAX_ITER: ParamSpec = { name: 'max_iter', kind: 'int', label: 'max iterations', help: 'most steps of the fixed-point iteration (mergekit\'s max_iter)', default: 10, min: 0, max: 1000 };
const TOL: ParamSpec = { name: 'tol', kind: 'number', label: 'tolerance', help: 'stop when a step is shorter than this; also the norm below which a model is left out of the direction (mergekit\'s tol)', default: 1e-5, min: 0, max: 1 };

export const karcher: MergeMethod = {
  id: 'karcher',
  label: 'Karcher mean',
  description: 'The point on the unit sphere that minimises the summed squared geodesic distance to the experts\' directions (found iteratively), times the mean of their norms. Equal weights, as in mergekit.',
  paper: { title: 'Karcher 1977, Riemannian center of mass and mollifier smoothing (mergekit\'s karcher; its docs cite Functionality-Oriented LLM Merging on the Fisher-Rao Manifold, arXiv 2603.04972)', url: 'https://doi.org/10.1002/cpa.3160300502' },
  mergekitName: 'karcher',
  base: 'none',
  globalParams: [MAX_ITER, TOL],
  modelParams: [],
  ignoredParams: unread('karcher', ['weight', 'density', 'normalize']),
  mergeTensor({ models, global }) {
    const maxIter = param<number>(global, MAX_ITER);
    const tol = param<number>(global, TOL);
    const n = models.length;
    const zero = tf.scalar(0);
    const norms = models.map((m) => tf.norm(m));
    const units = models.map((m, i) => tf.mul(m, tf.where(tf.equal(norms[i], 0), zero, tf.div(1, norms[i]))));
    const valid = norms.map((x) => tf.greater(x, tol));
    const count = sumOf(valid.map((v) => tf.cast(v, 'float32')));
    // Equal weights over the models that count: 1 / (number of norms above tol).
    const alpha = valid.map((v) => tf.where(v, tf.div(1, tf.maximum(count, 1)), zero));
    // The first model that counts: the start when the mean of the unit vectors vanishes.
    const first = units.reduceRight((acc, u, i) => tf.where(valid[i], u, acc));
    const mean = sumOf(units.map((u, i) => tf.mul(u, alpha[i])));
    const meanNorm = tf.norm(mean);
    let u = tf.where(tf.less(meanNorm, tol), first, tf.div(mean, tf.maximum(meanNorm, 1e-30)));
    let done: tf.Tensor = tf.scalar(false, 'bool');
    for (let k = 0; k < maxIter; k++) {
      // The Riemannian gradient: Σ a_i θ_i / sin θ_i · (u_i − cos θ_i · u), the log map of each u_i at u.
      const terms = units.map((ui, i) => {
        const dot = tf.clipByValue(tf.sum(tf.mul(u, ui)), -1, 1);
        const theta = acosAccurate(dot);
        const coef = tf.where(tf.logicalAnd(valid[i], tf.greaterEqual(theta, tol)), tf.div(tf.mul(alpha[i], theta), sinAccurate(theta)), zero);
        return tf.mul(tf.sub(ui, tf.mul(u, dot)), coef);
      });
      const T = sumOf(terms);
      const normT = tf.norm(T);
      done = tf.logicalOr(done, tf.less(normT, tol));
      // The exponential map at u along T, renormalised when its norm exceeds tol.
      const step = tf.add(tf.mul(u, cosAccurate(normT)), tf.mul(T, tf.div(sinAccurate(normT), tf.maximum(normT, 1e-30))));
      const stepNorm = tf.norm(step);
      const next = tf.where(tf.greater(stepNorm, tol), tf.div(step, stepNorm), step);
      u = tf.where(done, u, next);
    }
    // Scale: the mean norm of all the models, those left out of the direction included.
    const scale = tf.div(sumOf(norms), n);
    return tf.where(tf.greater(count, 0), tf.mul(u, scale), tf.zerosLike(u));
  },
};
