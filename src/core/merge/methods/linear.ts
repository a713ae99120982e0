// Linear averaging (model soups, Wortsman et al. 2022) as mergekit's linear: Σ w θ / Σ w with
// normalize (the default), Σ w θ without; no base.
import * as tf from '@tensorflow/tfjs';
import { WEIGHT } from '../taskArithmetic';
import type { MergeMethod } from '../types';
import { sumOf, unread } from './common';

export const linear: MergeMethod = {
  id: 'linear',
  label: 'Linear',
  description: 'Weighted average of the experts\' weights: Σ w θ / Σ w (or Σ w θ without normalize).',
  paper: { title: 'Wortsman et al. 2022, Model soups: averaging weights of multiple fine-tuned models', url: 'https://arxiv.org/abs/2203.05482' },
  mergekitName: 'linear',
  base: 'none',
  globalParams: [{ name: 'normalize', kind: 'boolean', label: 'normalize', help: 'divide by the sum of the weights', default: true }],
  modelParams: [WEIGHT],
  ignoredParams: unread('linear', ['density']),
  mergeTensor({ models, perModel, global }) {
    const w = perModel.map((p) => p.weight as number);
    const sum = sumOf(models.map((m, i) => tf.mul(m, w[i])));
    return global.normalize === false ? sum : tf.div(sum, w.reduce((a, b) => a + b, 0));
  },
};
