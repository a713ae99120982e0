// Generalized task arithmetic, as mergekit defines it (merge_methods/generalized_task_arithmetic.py
// and sparsify.py): task vectors τt = θt − θ0 are sparsified (none; magnitude top-k as TIES; a
// random drop as DARE; the magnitude band of breadcrumbs; DELLA's rank-weighted random drop),
// optionally rescaled, weighted, filtered by a sign consensus (TIES's election, or our slack
// variant), summed (or divided by the weights that survive) and added to the base with a scale λ.
// TIES, DARE, breadcrumbs and DELLA are configurations of this one function, not copies. These
// stock tfjs ops are also the reference the fused GPU kernel (gpu/kernels/merge) is checked against.
//
// Keep counts and ties (mergekit's sparsify.py): magnitude keeps int(density · n) entries (it
// refuses when that is 0); magnitude_outliers drops the top int(gamma · n) and keeps the next
// int(density · n) (its slice indices[n_bot:-n_top] is empty when int(gamma · n) is 0, so the
// task vector is dropped: we do the same). mergekit picks the entries with torch.argsort, which is
// not stable (std::sort or x86-simd-sort), so which of several entries of equal |τ| at the
// threshold it keeps is unspecified; we rank by |τ| descending and then by index ascending (what
// torch's stable sort and tf.topk do), so the count is always exact.
import * as tf from '@tensorflow/tfjs';
import type { ParamSpec } from '../params';
import type { MergeMethod, TensorMergeInput } from './types';
import { uniformStream } from '../rng';

export type Sparsification = 'none' | 'magnitude' | 'random' | 'magnitude_outliers' | 'della_magprune';
export type Consensus = 'none' | 'sign' | 'slack';

/** mergekit's rescaled_masked_tensor: norms below this are not rescaled. */
export const RESCALE_EPSILON = 1e-7;
/** mergekit's unconsented normalize: |Σ w| below this divides by 1. */
export const WEIGHT_SUM_EPSILON = 1e-8;

/** Entries magnitude sparsification keeps: int(density · n), as mergekit truncates. */
export function magnitudeKeep(n: number, density: number): number {
  return Math.floor(density * n);
}

/**
 * The ranks (in the order |τ| descending, index ascending) magnitude_outliers keeps: [from, to).
 * mergekit sorts ascending and keeps positions [n_bot, n − n_top); with n_top = 0 its slice
 * `indices[n_bot:-0]` is empty, so nothing is kept.
 */
export function outlierBand(n: number, density: number, gamma: number): { from: number; to: number } {
  const target = Math.floor(density * n);
  let top = Math.floor(gamma * n);
  let bottom = n - target - top;
  if (bottom < 0) {
    top += bottom; // too few entries left: drop fewer outliers to keep `target`
    bottom = 0;
  }
  return top === 0 ? { from: 0, to: 0 } : { from: top, to: n - bottom };
}

/** The 0/1 mask of the entries whose rank by (|x| descending, index ascending) is in [from, to). */
export function rankMask(x: tf.Tensor, from: number, to: number): tf.Tensor {
  const n = x.size;
  if (to <= from) return tf.zerosLike(x);
  if (from === 0 && to === n) return tf.onesLike(x);
  // tf.topk breaks ties by the lower index on every backend (checked by the merge parity cases).
  const idx = tf.slice(tf.topk(tf.reshape(tf.abs(x), [-1]), to, true).indices, [from], [to - from]);
  return tf.reshape(tf.scatterND(tf.reshape(idx, [-1, 1]), tf.ones([to - from]), [n]), x.shape);
}

/**
 * DELLA's keep probabilities (mergekit della_magprune): within each row (a 1-D tensor is one
 * row), the entry of ascending magnitude rank r (1..cols) is kept with probability
 * (density − ε) + 2ε · (r − 1)/(cols − 1).
 */
export function dellaProbabilities(tau: tf.Tensor, density: number, epsilon: number): tf.Tensor {
  const rows = tau.rank < 2 ? 1 : tau.shape[0];
  const cols = tau.size / rows;
  const abs = tf.reshape(tf.abs(tau), [rows, cols]);
  const order = tf.topk(abs, cols, true).indices; // (rows, cols): position p holds the index of the p-th largest
  const rowIdx = tf.broadcastTo(tf.reshape(tf.range(0, rows, 1, 'int32'), [rows, 1]), [rows, cols]);
  const position = tf.broadcastTo(tf.reshape(tf.range(0, cols, 1, 'float32'), [1, cols]), [rows, cols]);
  const descending = tf.scatterND(tf.stack([rowIdx, order], 2), position, [rows, cols]); // (rows, cols)
  // Ascending rank − 1 = cols − 1 − descending position; normalised by (max − min) rank.
  const rankNorm = tf.div(tf.sub(cols - 1, descending), cols - 1);
  return tf.reshape(tf.add(tf.mul(tf.mul(rankNorm, 2), epsilon), density - epsilon), tau.shape);
}

/** Throws unless density ± epsilon lies in (0, 1) wherever DELLA sparsifies (density < 1), as mergekit does. */
export function checkDellaEpsilon(density: number, epsilon: number, where: string): void {
  if (density > 0 && density < 1 && (density + epsilon >= 1 || density - epsilon <= 0)) {
    throw new Error(`${where}: epsilon ${epsilon} with density ${density} puts a keep probability outside (0, 1); choose epsilon below ${Math.min(density, 1 - density)} (mergekit refuses the same)`);
  }
}

export interface TaskArithmeticConfig {
  sparsification: Sparsification;
  consensus: Consensus;
}

/** How a sparsified task vector is rescaled: none, to keep its L1 norm (mergekit), or by 1/density (mergekit before 2025-02, DARE only). */
export type Rescale = 'none' | 'l1' | 'density';

export function rescaleOf(global: Record<string, number | boolean>): Rescale {
  if (!global.rescale) return 'none';
  return global.density_rescale ? 'density' : 'l1';
}

/** The 0/1 mask sparsification keeps of one task vector, or null when it keeps the whole tensor unscaled. */
function sparsifyMask(cfg: TaskArithmeticConfig, input: TensorMergeInput, i: number, tau: tf.Tensor): tf.Tensor | null {
  const p = input.perModel[i];
  const density = (p.density as number | undefined) ?? 1;
  const n = tau.size;
  // Every mergekit sparsifier returns the tensor untouched at density ≥ 1 (no gamma drop, no rescale).
  if (cfg.sparsification === 'none' || density >= 1) return null;
  switch (cfg.sparsification) {
    case 'magnitude': {
      const k = magnitudeKeep(n, density);
      if (k === 0) throw new Error(`${input.name}: density ${density} keeps int(${density} · ${n}) = 0 of its ${n} entries; mergekit refuses to empty a tensor, so give a density of at least ${1 / n}`);
      return rankMask(tau, 0, k);
    }
    case 'magnitude_outliers': {
      const { from, to } = outlierBand(n, density, p.gamma as number);
      return rankMask(tau, from, to);
    }
    case 'random':
      return tf.cast(tf.less(tf.tensor(uniformStream(input.noiseSeed(i), n), tau.shape), density), 'float32');
    case 'della_magprune':
      if (density <= 0) return tf.zerosLike(tau);
      checkDellaEpsilon(density, p.epsilon as number, input.name);
      return tf.cast(tf.less(tf.tensor(uniformStream(input.noiseSeed(i), n), tau.shape), dellaProbabilities(tau, density, p.epsilon as number)), 'float32');
  }
}

/** The factor the kept entries are multiplied by (a scalar tensor), per mergekit's rescale. */
export function rescaleFactor(rescale: Rescale, tau: tf.Tensor, masked: tf.Tensor, density: number): tf.Tensor {
  if (rescale === 'density') return tf.scalar(density > 0 ? 1 / density : 1);
  const before = tf.sum(tf.abs(tau));
  const after = tf.sum(tf.abs(masked));
  const small = tf.logicalOr(tf.less(before, RESCALE_EPSILON), tf.less(after, RESCALE_EPSILON));
  return tf.where(small, tf.scalar(1), tf.div(before, tf.maximum(after, RESCALE_EPSILON)));
}

/** Merges one tensor by generalized task arithmetic; the parameters come from the method's schema. */
export function mergeTaskVectors(cfg: TaskArithmeticConfig, input: TensorMergeInput): tf.Tensor {
  const base = input.base!;
  const { perModel, global } = input;
  const weights = perModel.map((p) => p.weight as number);
  const rescale = rescaleOf(global);
  const masks: tf.Tensor[] = [];
  const deltas = input.models.map((m, i) => {
    const tau = tf.sub(m, base);
    const mask = sparsifyMask(cfg, input, i, tau);
    masks.push(mask ?? tf.onesLike(tau));
    if (!mask) return tf.mul(tau, weights[i]);
    const masked = tf.mul(tau, mask);
    const scaled = rescale === 'none' ? masked : tf.mul(masked, rescaleFactor(rescale, tau, masked, (perModel[i].density as number | undefined) ?? 1));
    return tf.mul(scaled, weights[i]);
  });
  const stacked = tf.stack(deltas); // (n, ...) weighted, sparsified task vectors
  const w = tf.reshape(tf.tensor1d(weights), [weights.length, ...base.shape.map(() => 1)]);
  let mixed: tf.Tensor;
  if (cfg.consensus === 'none') {
    input.reportKept?.(tf.stack(masks));
    mixed = tf.sum(stacked, 0);
    const sum = weights.reduce((a, b) => a + b, 0);
    if (global.normalize) mixed = tf.div(mixed, Math.abs(sum) < WEIGHT_SUM_EPSILON ? 1 : sum);
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

// ---- the family's parameters; each method picks its own defaults (registry.py's default_normalize / default_rescale) ----
export const WEIGHT: ParamSpec = { name: 'weight', kind: 'number', label: 'weight', help: 'scale of this model\'s task vector', default: 1, min: -10, max: 10, mergekitRequired: true };
export const LAMBDA: ParamSpec = { name: 'lambda', kind: 'number', label: 'λ', help: 'scale of the merged task vector added to the base', default: 1, min: -10, max: 10 };

export function normalizeSpec(def: boolean, consensus: boolean): ParamSpec {
  return { name: 'normalize', kind: 'boolean', label: 'normalize', default: def, help: consensus ? 'divide by the sum of the weights of the models that agree with the elected sign, per entry' : 'divide by the sum of the weights' };
}

export function densitySpec(help: string): ParamSpec {
  return { name: 'density', kind: 'number', label: 'density', help: `${help} (1 = keep everything, mergekit's default)`, default: 1, min: 0, max: 1 };
}

export function rescaleSpec(def: boolean): ParamSpec {
  return { name: 'rescale', kind: 'boolean', label: 'rescale', default: def, help: 'multiply the kept entries so each task vector keeps its L1 norm, Σ|τ| / Σ|τ·mask| (current mergekit; skipped below 1e-7)' };
}

export const DENSITY_RESCALE: ParamSpec = { name: 'density_rescale', kind: 'boolean', label: 'rescale by 1/density (studio-only)', default: false, help: 'studio-only: with rescale, multiply the kept entries by 1/density as mergekit did before February 2025 (and the DARE paper), instead of keeping the L1 norm' };

export const SEED: ParamSpec = { name: 'seed', kind: 'int', label: 'seed', help: 'seed of the random drop: the same seed gives the same merge (mergekit draws its own masks)', default: 0, min: 0, max: 4294967295 };

export const INT8_MASK = { name: 'int8_mask', scope: 'global' as const, why: 'int8_mask only changes the storage type of mergekit\'s consensus mask, not the result' };

export type TaskVectorMerge = (cfg: TaskArithmeticConfig, input: TensorMergeInput) => tf.Tensor;

// The implementation the family runs: the stock ops above (also the reference), or the fused GPU
// kernel gpu/register.ts installs. The core never imports the GPU code.
let activeTaskVectorMerge: TaskVectorMerge = mergeTaskVectors;

export function setTaskVectorMerge(f: TaskVectorMerge): void {
  activeTaskVectorMerge = f;
}

/** A method that is one configuration of generalized task arithmetic. */
export function taskArithmeticMethod(m: Omit<MergeMethod, 'mergeTensor' | 'base' | 'family'> & { config: TaskArithmeticConfig }): MergeMethod {
  const { config, ...rest } = m;
  return { ...rest, base: 'required', family: 'task-arithmetic', ignoredParams: [INT8_MASK, ...(rest.ignoredParams ?? [])], mergeTensor: (input) => activeTaskVectorMerge(config, input) };
}
