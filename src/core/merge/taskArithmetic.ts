// Generalized task arithmetic (after mergekit's design): task vectors τt = θt − θ0 are weighted,
// sparsified (none, magnitude top-k as TIES, random drop-and-rescale as DARE, or the magnitude
// band of breadcrumbs), optionally filtered by a sign consensus (TIES's election, or our slack
// variant), then summed (or averaged over the entries that survive) and added to the base with a
// scale λ. TIES, DARE and breadcrumbs are configurations of this one function, not copies.
import * as tf from '@tensorflow/tfjs';
import type { ParamSpec } from '../params';
import type { MergeMethod, TensorMergeInput } from './types';
import { uniformStream } from '../rng';

export type Sparsification = 'none' | 'magnitude' | 'random' | 'band';
export type Consensus = 'none' | 'sign' | 'slack';

/** How many of n entries the top `share` keeps: at least one, at most all. */
export function topShareRank(n: number, share: number): number {
  return Math.max(1, Math.min(n, Math.ceil(share * n)));
}

/** Largest |x| threshold keeping the top `share` of entries (ties at the threshold are kept). */
function topShareThreshold(absFlat: tf.Tensor1D, share: number): tf.Tensor {
  return tf.min(tf.topk(absFlat, topShareRank(absFlat.size, share), true).values);
}

/** Keeps the top `density` of entries by magnitude (TIES trim). */
export function magnitudeMask(tau: tf.Tensor, density: number): tf.Tensor {
  if (density >= 1) return tf.onesLike(tau);
  if (density <= 0) return tf.zerosLike(tau);
  const abs = tf.abs(tau);
  return tf.cast(tf.greaterEqual(abs, topShareThreshold(tf.reshape(abs, [-1]) as tf.Tensor1D, density)), 'float32');
}

/**
 * Breadcrumbs: drops the largest `gamma` share and the smallest (1 − density − gamma) share of
 * entries by magnitude, keeping the band between.
 */
export function bandMask(tau: tf.Tensor, density: number, gamma: number): tf.Tensor {
  const abs = tf.abs(tau);
  const flat = tf.reshape(abs, [-1]) as tf.Tensor1D;
  const keepBelowTop = gamma > 0 ? tf.less(abs, topShareThreshold(flat, gamma)) : tf.onesLike(abs).asType('bool');
  const keepAboveLow = density + gamma >= 1 ? tf.onesLike(abs).asType('bool') : tf.greaterEqual(abs, topShareThreshold(flat, density + gamma));
  return tf.cast(tf.logicalAnd(keepBelowTop, keepAboveLow), 'float32');
}

export interface TaskArithmeticConfig {
  sparsification: Sparsification;
  consensus: Consensus;
}

/** Merges one tensor by generalized task arithmetic; the parameters come from the method's schema. */
export function mergeTaskVectors(cfg: TaskArithmeticConfig, input: TensorMergeInput): tf.Tensor {
  const base = input.base!;
  const { perModel, global } = input;
  const weights = perModel.map((p) => p.weight as number);
  const masks: tf.Tensor[] = [];
  const deltas = input.models.map((m, i) => {
    const tau = tf.sub(m, base);
    const density = (perModel[i].density as number | undefined) ?? 1;
    let mask: tf.Tensor;
    let scale = weights[i];
    switch (cfg.sparsification) {
      case 'none':
        mask = tf.onesLike(tau);
        break;
      case 'magnitude':
        mask = magnitudeMask(tau, density);
        break;
      case 'band':
        mask = bandMask(tau, density, perModel[i].gamma as number);
        break;
      case 'random':
        // Keep each entry with probability `density`, rescaled by 1/density (DARE).
        mask = density >= 1 ? tf.onesLike(tau) : tf.cast(tf.less(tf.tensor(uniformStream(input.noiseSeed(i), tau.size), tau.shape), density), 'float32');
        scale = weights[i] / Math.min(1, density);
        break;
    }
    masks.push(mask);
    return tf.mul(tf.mul(tau, mask), scale);
  });
  const stacked = tf.stack(deltas); // (n, ...)
  const w = tf.reshape(tf.tensor1d(weights), [weights.length, ...base.shape.map(() => 1)]);
  let mixed: tf.Tensor;
  if (cfg.consensus === 'none') {
    input.reportKept?.(tf.stack(masks));
    mixed = tf.sum(stacked, 0);
    if (global.normalize) mixed = tf.div(mixed, weights.reduce((a, b) => a + b, 0));
  } else {
    const total = tf.sum(stacked, 0);
    // The elected sign: the sign of the weighted sum, where 0 counts as + (TIES).
    const elected = tf.sub(tf.mul(tf.cast(tf.greaterEqual(total, 0), 'float32'), 2), 1);
    let agree = tf.cast(tf.equal(tf.sign(stacked), elected), 'float32'); // (n, ...): zeros never agree
    if (cfg.consensus === 'slack') {
      // Ours (after Tao et al. 2024): a disagreeing entry is dropped only where the vote is
      // decisive, |Σ w τ̂| ≥ slack · Σ w |τ̂|; elsewhere every nonzero entry is kept.
      const decisive = tf.greaterEqual(tf.abs(total), tf.mul(tf.sum(tf.abs(stacked), 0), global.slack as number));
      const nonzero = tf.cast(tf.notEqual(stacked, 0), 'float32');
      agree = tf.where(tf.broadcastTo(decisive, stacked.shape), agree, nonzero);
    }
    input.reportKept?.(tf.mul(tf.stack(masks), agree));
    mixed = tf.sum(tf.mul(stacked, agree), 0);
    if (global.normalize) {
      const divisor = tf.sum(tf.mul(tf.broadcastTo(w, stacked.shape), agree), 0);
      mixed = tf.div(mixed, tf.where(tf.equal(divisor, 0), tf.onesLike(divisor), divisor));
    }
  }
  return tf.add(base, tf.mul(mixed, global.lambda as number));
}

export const WEIGHT: ParamSpec = { name: 'weight', kind: 'number', label: 'weight', help: 'scale of this model\'s task vector', default: 1, min: -10, max: 10 };
export const DENSITY: ParamSpec = { name: 'density', kind: 'number', label: 'density', help: 'share of task-vector entries kept (0 to 1]', default: 0.5, min: 0.0001, max: 1 };
export const LAMBDA: ParamSpec = { name: 'lambda', kind: 'number', label: 'λ', help: 'scale of the merged task vector added to the base', default: 1, min: -10, max: 10 };
export const NORMALIZE: ParamSpec = { name: 'normalize', kind: 'boolean', label: 'normalize', help: 'divide by the sum of the weights (that survive the consensus)', default: true };

export type TaskVectorMerge = (cfg: TaskArithmeticConfig, input: TensorMergeInput) => tf.Tensor;

// The implementation the family runs: the stock ops above (also the reference), or the fused GPU
// kernel gpu/register.ts installs. The core never imports the GPU code.
let activeTaskVectorMerge: TaskVectorMerge = mergeTaskVectors;

export function setTaskVectorMerge(f: TaskVectorMerge): void {
  activeTaskVectorMerge = f;
}

/** A method that is one configuration of generalized task arithmetic. */
export function taskArithmeticMethod(m: Omit<MergeMethod, 'mergeTensor' | 'base'> & { config: TaskArithmeticConfig }): MergeMethod {
  const { config, ...rest } = m;
  return { ...rest, base: 'required', mergeTensor: (input) => activeTaskVectorMerge(config, input) };
}
