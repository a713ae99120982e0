// Fisher-weighted averaging (Matena & Raffel 2022): θ = Σ w F ⊙ θ / Σ w F, with each expert's
// diagonal Fisher estimated on its own language data (see eval/fisher.ts); a floor keeps the
// denominator positive where every Fisher is zero.
import * as tf from '@tensorflow/tfjs';
import { WEIGHT } from '../taskArithmetic';
import type { MergeMethod } from '../types';

export const FISHER_MODES = ['empirical', 'sampled'] as const;

export const fisher: MergeMethod = {
  id: 'fisher',
  label: 'Fisher averaging',
  description: 'Each parameter is averaged with weights from each expert\'s diagonal Fisher information on its own language data: parameters an expert relies on count more.',
  paper: { title: 'Matena & Raffel 2022, Merging Models with Fisher-Weighted Averaging', url: 'https://arxiv.org/abs/2111.09832' },
  mergekitName: null,
  base: 'none',
  globalParams: [
    { name: 'samples', kind: 'int', label: 'Fisher samples', help: 'sequences per expert for the Fisher estimate (computed once per expert and stored)', default: 64, min: 1, max: 100000 },
    { name: 'sampledLabels', kind: 'boolean', label: 'sampled labels (true Fisher)', help: 'on: labels drawn from the model (the Fisher); off: the observed next tokens (the empirical Fisher)', default: false },
    { name: 'floor', kind: 'number', label: 'floor', help: 'added to every Fisher value so the weights never all vanish', default: 1e-8, min: 0, max: 1 },
  ],
  modelParams: [WEIGHT],
  mergeTensor({ models, perModel, global, fisher: F, name }) {
    if (!F || F.length !== models.length) throw new Error(`fisher merge of ${name} needs a Fisher tensor for every expert`);
    const floor = global.floor as number;
    const w = perModel.map((p) => p.weight as number);
    const weighted = F.map((f, i) => tf.mul(tf.add(f, floor), w[i]));
    const num = tf.sum(tf.stack(weighted.map((f, i) => tf.mul(f, models[i]))), 0);
    const den = tf.sum(tf.stack(weighted), 0);
    return tf.div(num, den);
  },
};
