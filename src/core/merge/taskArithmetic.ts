// Generalized task arithmetic, as mergekit defines it (merge_methods/generalized_task_arithmetic.py
// and sparsify.py): task vectors τt = θt − θ0 are sparsified (none; magnitude top-k as TIES; a
// random drop as DARE; the magnitude band of breadcrumbs; DELLA's rank-weighted random drop),
// optionally rescaled, weighted, filtered by a sign consensus (TIES's election, or our slack
// variant), summed (or divided by the weights that survive) and added to the base with a scale λ.
// TIES, DARE, breadcrumbs and DELLA are configurations of this one function, not copies:
// planTaskVectors decides every expert's sparsification once, and both the stock tfjs ops here
// (the reference) and the fused GPU kernel (gpu/kernels/merge) execute that plan.
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

/**
 * How one expert's task vector is sparsified, decided once from the method's configuration and
 * the tensor's parameters. The stock ops below and the fused GPU kernel (gpu/kernels/merge) both
 * run this plan, so neither repeats the switch on sparsification or its refusals.
 */
export type Trim =
  /** Kept whole and unscaled: no sparsification, or density ≥ 1 (every mergekit sparsifier returns the tensor untouched there). */
  | { kind: 'all' }
  /** Keep the entries whose rank by (|τ| descending, index ascending) is in [from, to); empty when to ≤ from. */
  | { kind: 'rank'; from: number; to: number }
  /** Keep where the uniform draw of stream `seed` is below density (DARE). */
  | { kind: 'random'; density: number; seed: number }
  /** DELLA's drop: keep where the draw is below the entry's rank-weighted probability. */
  | { kind: 'della'; density: number; epsilon: number; seed: number };

export interface ExpertPlan {
  trim: Trim;
  /** What multiplies the kept entries: mergekit's L1 rescale (a tensor sum), or a constant (1: none). */
  rescale: 'l1' | number;
  weight: number;
}

/** One tensor's generalized task-arithmetic merge, every decision made: what both paths execute. */
export interface TaskVectorPlan {
  experts: ExpertPlan[];
  consensus: Consensus;
  normalize: boolean;
  /** The divisor of normalize without consensus: Σ w, or 1 where |Σ w| < WEIGHT_SUM_EPSILON (mergekit). */
  weightSum: number;
  lambda: number;
  slack: number;
}

/** Plans the merge of one tensor of `n` entries; throws (naming the tensor) where mergekit refuses. */
export function planTaskVectors(cfg: TaskArithmeticConfig, input: Pick<TensorMergeInput, 'name' | 'perModel' | 'global' | 'noiseSeed'>, n: number): TaskVectorPlan {
  const { perModel, global } = input;
  const rescale = rescaleOf(global);
  const experts = perModel.map((p, i): ExpertPlan => {
    const density = (p.density as number | undefined) ?? 1;
    const weight = p.weight as number;
    if (cfg.sparsification === 'none' || density >= 1) return { trim: { kind: 'all' }, rescale: 1, weight };
    const trim = sparsifyTrim(cfg.sparsification, input.name, density, p, input.noiseSeed(i), n);
    return { trim, rescale: rescale === 'l1' ? 'l1' : rescale === 'density' && density > 0 ? 1 / density : 1, weight };
  });
  const sum = experts.reduce((a, e) => a + e.weight, 0);
  return {
    experts,
    consensus: cfg.consensus,
    normalize: Boolean(global.normalize),
    weightSum: Math.abs(sum) < WEIGHT_SUM_EPSILON ? 1 : sum,
    lambda: global.lambda as number,
    slack: (global.slack as number | undefined) ?? 0,
  };
}

function sparsifyTrim(kind: Exclude<Sparsification, 'none'>, name: string, density: number, p: TensorMergeInput['perModel'][number], seed: number, n: number): Trim {
  switch (kind) {
    case 'magnitude': {
      const k = magnitudeKeep(n, density);
      if (k === 0) throw new Error(`${name}: density ${density} keeps int(${density} · ${n}) = 0 of its ${n} entries; mergekit refuses to empty a tensor, so give a density of at least ${1 / n}`);
      return { kind: 'rank', from: 0, to: k };
    }
    case 'magnitude_outliers':
      return { kind: 'rank', ...outlierBand(n, density, p.gamma as number) };
    case 'random':
      return { kind: 'random', density, seed };
    case 'della_magprune':
      if (density <= 0) return { kind: 'rank', from: 0, to: 0 };
      checkDellaEpsilon(density, p.epsilon as number, name);
      return { kind: 'della', density, epsilon: p.epsilon as number, seed };
  }
}

/** The 0/1 mask a trim keeps of one task vector, or null when it keeps the whole tensor unscaled. */
function trimMask(trim: Trim, tau: tf.Tensor): tf.Tensor | null {
  switch (trim.kind) {
    case 'all':
      return null;
    case 'rank':
      return rankMask(tau, trim.from, trim.to);
    case 'random':
      return tf.cast(tf.less(tf.tensor(uniformStream(trim.seed, tau.size), tau.shape), trim.density), 'float32');
    case 'della':
      return tf.cast(tf.less(tf.tensor(uniformStream(trim.seed, tau.size), tau.shape), dellaProbabilities(tau, trim.density, trim.epsilon)), 'float32');
  }
}

/** mergekit's L1 rescale Σ|τ| / Σ|τ·mask| (a scalar tensor), 1 where either is below RESCALE_EPSILON. */
export function l1RescaleFactor(tau: tf.Tensor, masked: tf.Tensor): tf.Tensor {
  const before = tf.sum(tf.abs(tau));
  const after = tf.sum(tf.abs(masked));
  const small = tf.logicalOr(tf.less(before, RESCALE_EPSILON), tf.less(after, RESCALE_EPSILON));
  return tf.where(small, tf.scalar(1), tf.div(before, tf.maximum(after, RESCALE_EPSILON)));
}

/** Merges one tensor by generalized task arithmetic with stock tfjs ops: the reference of every kernel of it. */
export function mergeTaskVectors(plan: TaskVectorPlan, input: TensorMergeInput): tf.Tensor {
  const base = input.base!;
  const weights = plan.experts.map((e) => e.weight);
  const masks: tf.Tensor[] = [];
  const deltas = input.models.map((m, i) => {
    const { trim, rescale, weight } = plan.experts[i];
    const tau = tf.sub(m, base);
    const mask = trimMask(trim, tau);
    masks.push(mask ?? tf.onesLike(tau));
    if (!mask) return tf.mul(tau, weight);
    const masked = tf.mul(tau, mask);
    const scaled = rescale === 'l1' ? tf.mul(masked, l1RescaleFactor(tau, masked)) : rescale === 1 ? masked : tf.mul(masked, rescale);
    return tf.mul(scaled, weight);
  });
  const stacked = tf.stack(deltas); // (n, ...) weighted, sparsified task vectors
  const w = tf.reshape(tf.tensor1d(weights), [weights.length, ...base.shape.map(() => 1)]);
  let mixed: tf.Tensor;
  if (plan.consensus === 'none') {
    input.reportKept?.(tf.stack(masks));
    mixed = tf.sum(stacked, 0);
    if (plan.normalize) mixed = tf.div(mixed, plan.weightSum);
  } else {
    const total = tf.sum(stacked, 0);
    // The elected sign: the sign of the weighted sum, where 0 counts as + (TIES).
    const elected = tf.sub(tf.mul(tf.cast(tf.greaterEqual(total, 0), 'float32'), 2), 1);
    let agree = tf.cast(tf.equal(tf.sign(stacked), elected), 'float32'); // (n, ...): zeros never agree
    if (plan.consensus === 'slack') {
      // Ours (after Tao et al. 2024): a disagreeing entry is dropped only where the vote is
      // decisive, |Σ w τ̂| ≥ slack · Σ w |τ̂|; elsewhere every nonzero entry is kept.
      const decisive = tf.greaterEqual(tf.abs(total), tf.mul(tf.sum(tf.abs(stacked), 0), plan.slack));
      const nonzero = tf.cast(tf.notEqual(stacked, 0), 'float32');
      agree = tf.where(tf.broadcastTo(decisive, stacked.shape), agree, nonzero);
    }
    input.reportKept?.(tf.mul(tf.stack(masks), agree));
    mixed = tf.sum(tf.mul(stacked, agree), 0);
    if (plan.normalize) {
      const divisor = tf.sum(tf.mul(tf.broadcastTo(w, stacked.shape), agree), 0);
      mixed = tf.div(mixed, tf.where(tf.equal(divisor, 0), tf.onesLike(divisor), divisor));
    }
  }
  return tf.add(base, tf.mul(mixed, plan.lambda));
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

export const DENSITY_RESCALE: ParamSpec = { name: 'density_rescale', kind: 'boolean', label: 'rescale by 1/density (studio-only)', default: false, mergekit: false, help: 'studio-only: with rescale, multiply the kept entries by 1/density as mergekit did before February 2025 (and the DARE paper), instead of keeping the L1 norm' };

export const SEED: ParamSpec = { name: 'seed', kind: 'int', label: 'seed', help: 'seed of the random drop: the same seed gives the same merge (mergekit draws its own masks)', default: 0, min: 0, max: 4294967295 };

export const INT8_MASK = { name: 'int8_mask', scope: 'global' as const, why: 'int8_mask only changes the storage type of mergekit\'s consensus mask, not the result' };

/** A backend's merge of one planned tensor (the stock ops above, or the fused GPU kernel); call inside tf.tidy. */
export type TaskVectorMerge = (plan: TaskVectorPlan, input: TensorMergeInput) => tf.Tensor;

/** A method that is one configuration of generalized task arithmetic, run by the Kernels value it is given. */
export function taskArithmeticMethod(m: Omit<MergeMethod, 'mergeTensor' | 'base' | 'family'> & { config: TaskArithmeticConfig }): MergeMethod {
  const { config, ...rest } = m;
  return {
    ...rest,
    base: 'required',
    family: 'task-arithmetic',
    ignoredParams: [INT8_MASK, ...(rest.ignoredParams ?? [])],
    mergeTensor: (input, kernels) => kernels.mergeTaskVectors(planTaskVectors(config, input, input.base!.size), input),
  };
}
