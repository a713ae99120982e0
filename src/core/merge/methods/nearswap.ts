// NearSwap (mergekit's nearswap, after alchemonaut's QuartetAnemoi merges): moves the base toward
// one other model only where the two are already close: w = clamp(t / max(|θ0 − θ1|, 1e-6), 0, 1),
// θ = w θ1 + (1 − w) θ0, entry by entry.
import * as tf from '@tensorflow/tfjs';
import type { MergeMethod } from '../types';
import { unread } from './common';

export const nearswap: MergeMethod = {
  id: 'nearswap',
  label: 'NearSwap',
  description: 'Takes the other model\'s value where it is within t of the base\'s and interpolates toward it elsewhere, with weight t / |θ0 − θ1| (clamped to [0, 1]): parameters that already agree are swapped in, those that differ stay the base\'s.',
  paper: { title: 'alchemonaut 2024, QuartetAnemoi-70B-t0.0001 (the NearSwap merge, as in mergekit)', url: 'https://huggingface.co/alchemonaut/QuartetAnemoi-70B-t0.0001' },
  mergekitName: 'nearswap',
  base: 'required',
  expertCount: 1,
  // mergekit requires t (no default); the form starts at the value of the model card.
  globalParams: [{ name: 't', kind: 'number', label: 't', help: 'distance scale: an entry whose models differ by at most t takes the other model\'s value (mergekit requires it)', mergekitRequired: true, default: 0.0001 }],
  modelParams: [],
  ignoredParams: unread('nearswap', ['weight', 'density', 'normalize']),
  mergeTensor({ base, models, global }) {
    const a = base!;
    const b = models[0];
    const w = tf.clipByValue(tf.div(global.t as number, tf.maximum(tf.abs(tf.sub(a, b)), 1e-6)), 0, 1);
    return tf.add(tf.mul(w, b), tf.mul(tf.sub(1, w), a));
  },
};
