// SCE, Select–Calculate–Erase (Wan et al. 2024, FuseChat), as mergekit's sce computes it
// (merge_methods/sce.py): task vectors τ_i = θ_i − θ0; Select: with select_topk < 1, keep only the
// positions whose variance across the experts is among the top int(select_topk · #nonzero); Calculate:
// a weight per expert and tensor, mean(τ_i²) / Σ_j mean(τ_j²) (equal when that sum is below 1e-6);
// Erase: drop entries whose sign differs from the sign of Σ τ (TIES's election, 0 counts as +);
// θ = θ0 + Σ w_i τ_i [kept] / max(Σ w_i [kept], 1e-6).
import * as tf from '@tensorflow/tfjs';
import type { ParamSpec } from '../../params';
import type { MergeMethod } from '../types';
import { INT8_MASK } from '../taskArithmetic';
import { param, sumOf, unread } from './common';

const SELECT_TOPK: ParamSpec = { name: 'select_topk', kind: 'number', label: 'select top-k', help: 'share of positions kept by their variance across the experts (1 = keep all; the paper\'s τ)', default: 1, min: 0, max: 1 };

/**
 * The 0/1 mask of positions whose variance is among the top int(share · #nonzero variances). The
 * count is data-dependent, so the threshold is read from the fully sorted variances on the device;
 * ties at the threshold are all kept (torch.topk keeps an arbitrary k of them).
 */
function varianceMask(variance: tf.Tensor, share: number): tf.Tensor {
  const nonzero = tf.sum(tf.cast(tf.notEqual(variance, 0), 'float32'));
  const k = tf.floor(tf.mul(nonzero, share)); // int(nonzero · share), in float32 as torch computes it
  const flat = tf.reshape(variance, [-1]);
  const sorted = tf.topk(flat, flat.size, true).values;
  const threshold = tf.gather(sorted, tf.cast(tf.maximum(tf.sub(k, 1), 0), 'int32'));
  return tf.cast(tf.logicalAnd(tf.greaterEqual(variance, threshold), tf.greater(k, 0)), 'float32');
}

export const sce: MergeMethod = {
  id: 'sce',
  label: 'SCE',
  description: 'Select the positions where the experts\' task vectors vary most (select_topk), Calculate a weight per expert and tensor from the mean square of its task vector, Erase the entries that disagree with the elected sign, then average what is left with those weights.',
  paper: { title: 'Wan et al. 2024, FuseChat: Knowledge Fusion of Chat Models', url: 'https://arxiv.org/abs/2408.07990' },
  mergekitName: 'sce',
  base: 'required',
  globalParams: [SELECT_TOPK],
  modelParams: [],
  // mergekit's sce takes no weights: its per-expert weights come from the task vectors.
  ignoredParams: [INT8_MASK, ...unread('sce', ['weight', 'density', 'normalize'])],
  mergeTensor({ base, models, global, reportKept }) {
    const b = base!;
    const n = models.length;
    const share = param<number>(global, SELECT_TOPK);
    let taus = models.map((m) => tf.sub(m, b));
    let select: tf.Tensor | undefined;
    if (share < 1) {
      const mean = tf.div(sumOf(taus), n);
      const variance = tf.div(sumOf(taus.map((t) => tf.square(tf.sub(t, mean)))), n); // population variance, as torch.var(unbiased=False)
      select = share <= 0 ? tf.zerosLike(b) : varianceMask(variance, share);
      taus = taus.map((t) => tf.mul(t, select!));
    }
    const elected = tf.sub(tf.mul(tf.cast(tf.greaterEqual(sumOf(taus), 0), 'float32'), 2), 1);
    const kept = taus.map((t) => tf.cast(tf.equal(tf.sign(t), elected), 'float32')); // zeros never agree
    const squares = taus.map((t) => tf.mean(tf.square(t)));
    const total = sumOf(squares);
    const uniform = tf.less(tf.abs(total), 1e-6);
    const w = squares.map((s) => tf.where(uniform, tf.scalar(1 / n), tf.div(s, total)));
    const weighted = kept.map((k, i) => tf.mul(k, w[i]));
    reportKept?.(tf.stack(kept));
    const merged = sumOf(taus.map((t, i) => tf.mul(t, weighted[i])));
    return tf.add(b, tf.div(merged, tf.maximum(sumOf(weighted), 1e-6)));
  },
};
