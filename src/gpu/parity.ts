// Backend parity check: the same tiny model and batch with the engine's Kernels value on the
// active backend and with the CPU reference value on tfjs's CPU backend, comparing loss,
// per-position log-probabilities and every gradient. It guards the GPU path against kernel bugs
// of the backend or of our own kernels.
import * as tf from '@tensorflow/tfjs';
import type { LlamaConfig } from '../core/model/config';
import { initialWeights } from '../core/model/init';
import { lossOf } from '../core/model/llama';
import { hashString, mulberry32 } from '../core/rng';
import { weightSpecs } from '../core/model/weights';
import { planMerge, runMerge } from '../core/merge/merge';
import { MERGE_METHODS, mergeMethod } from '../core/merge/registry';
import { clipByGlobalNorm } from '../core/train/clip';
import { referenceKernels, type Kernels } from '../core/kernels';

export interface ParityReport {
  backend: string;
  loss: { active: number; cpu: number };
  /** Global gradient norm as clipping computes it. */
  gradNorm: { active: number; cpu: number };
  /** Largest |difference| between the two backends' gradients, per tensor, with the CPU norm. */
  grads: { name: string; maxAbsDiff: number; cpuNorm: number; activeNorm: number }[];
  maxAbsGradDiff: number;
}

async function lossAndGrads(config: LlamaConfig, seed: number, batch: { inputs: Int32Array; targets: Int32Array; b: number; t: number }, kernels: Kernels) {
  const weights = initialWeights(config, seed);
  const vars = [...weights].map(([name, w]) => tf.tidy(() => tf.variable(tf.tensor(w.data, w.shape), true, `parity-${tf.getBackend()}-${name}`)));
  const names = [...weights.keys()];
  const model = { config, params: Object.fromEntries(names.map((n, i) => [n, vars[i] as tf.Tensor])) };
  const inputs = tf.tensor2d(batch.inputs, [batch.b, batch.t], 'int32');
  const targets = tf.tensor2d(batch.targets, [batch.b, batch.t], 'int32');
  const mask = tf.ones([batch.b, batch.t]) as tf.Tensor2D;
  const { value, grads } = tf.variableGrads(() => lossOf(model, inputs, targets, mask, kernels), vars);
  const loss = (await value.data())[0];
  const { norm } = clipByGlobalNorm(grads, 1, kernels);
  const gradNorm = (await norm.data())[0];
  norm.dispose();
  const out: Record<string, Float32Array> = {};
  for (let i = 0; i < names.length; i++) out[names[i]] = (await grads[vars[i].name].data()) as Float32Array;
  tf.dispose([value, inputs, targets, mask, ...Object.values(grads), ...vars]);
  return { loss, gradNorm, grads: out };
}

export async function checkBackendParity(config: LlamaConfig, kernels: Kernels, seed = 0, b = 2, t = 8): Promise<ParityReport> {
  const rand = mulberry32(seed + 1);
  const draw = () => Int32Array.from({ length: b * t }, () => Math.floor(rand() * Math.min(config.vocab_size, 256)));
  const batch = { inputs: draw(), targets: draw(), b, t };
  const active = tf.getBackend();
  const a = await lossAndGrads(config, seed, batch, kernels);
  await tf.setBackend('cpu');
  let c: Awaited<ReturnType<typeof lossAndGrads>>;
  try {
    c = await lossAndGrads(config, seed, batch, referenceKernels);
  } finally {
    await tf.setBackend(active);
  }
  const norm = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0));
  const grads = Object.keys(c.grads).map((name) => {
    let d = 0;
    for (let i = 0; i < c.grads[name].length; i++) d = Math.max(d, Math.abs(c.grads[name][i] - a.grads[name][i]));
    return { name, maxAbsDiff: d, cpuNorm: norm(c.grads[name]), activeNorm: norm(a.grads[name]) };
  });
  return { backend: active, loss: { active: a.loss, cpu: c.loss }, gradNorm: { active: a.gradNorm, cpu: c.gradNorm }, grads, maxAbsGradDiff: Math.max(...grads.map((g) => g.maxAbsDiff)) };
}

export interface MergeParity {
  method: string;
  /** The run's parameters as given (per-model and global), for runs of checkMergeParity's list. */
  models?: Record<string, unknown>[];
  params?: Record<string, unknown>;
  /** Largest |difference| of merged values between the active backend and the CPU. */
  maxAbsDiff: number;
  /** Largest |difference| of the interference diagnostics. */
  diagnosticsDiff: number;
}

/** One merge of checkMergeParity's list: a method with its per-model and global parameters. */
export interface MergeParityRun {
  method: string;
  /** Parameters of each expert (their number is the method's: 2 for slerp, else 3). */
  models?: Record<string, unknown>[];
  params?: Record<string, unknown>;
}

/**
 * Merges on random experts of a tiny model, with `kernels` on the active backend and with the CPU
 * reference on the CPU: every method
 * with its defaults, or the given runs. The runs on the active backend go first, one after the
 * other on the same page, so a kernel whose compiled pipeline leaks from one merge into the next
 * (a cache key that misses a uniform) shows as a difference; then each run's CPU reference.
 * DARE's random masks come from the CPU generator, so all methods must agree to float rounding.
 */
export async function checkMergeParity(config: LlamaConfig, kernels: Kernels, seed = 0, runs?: MergeParityRun[]): Promise<MergeParity[]> {
  const specs = weightSpecs(config);
  const data = new Map<string, Float32Array[]>();
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const rand = mulberry32(hashString(s.name, seed));
    const base = Float32Array.from({ length: n }, () => rand() - 0.5);
    data.set(s.name, [base, ...[0, 1, 2].map(() => Float32Array.from(base, (v) => v + (rand() - 0.5) * 0.2)), ...[0, 1, 2].map(() => Float32Array.from({ length: n }, () => rand()))]);
  }
  const reader = (i: number) => async (name: string) => data.get(name)![i];
  const list: MergeParityRun[] = runs ?? MERGE_METHODS.map((m) => ({ method: m.id }));
  const run = async ({ method: methodId, models: modelParams, params }: MergeParityRun, k: Kernels) => {
    const m = mergeMethod(methodId);
    const models = [1, 2, 3].slice(0, m.expertCount ?? 3); // nearswap merges 1 expert, slerp and nuslerp 2
    const plan = planMerge({ method: methodId, base: m.base === 'none' ? undefined : 'base', models: models.map((i, k) => ({ ...(modelParams?.[k] ?? {}), id: `m${i}` })), params: params ?? (methodId === 'fisher' ? { samples: 1 } : {}) });
    const out: Float32Array[] = [];
    const diags = await runMerge(plan, config, { base: plan.base ? reader(0) : undefined, models: models.map(reader), fisher: methodId === 'fisher' ? models.map((i) => reader(i + 3)) : undefined }, k, (_n, _s, d) => out.push(d), () => undefined);
    return { out, diags };
  };
  const active = tf.getBackend();
  const ours: Awaited<ReturnType<typeof run>>[] = [];
  for (const r of list) ours.push(await run(r, kernels));
  const reference: Awaited<ReturnType<typeof run>>[] = [];
  await tf.setBackend('cpu');
  try {
    for (const r of list) reference.push(await run(r, referenceKernels));
  } finally {
    await tf.setBackend(active);
  }
  return list.map((r, j) => {
    const a = ours[j];
    const c = reference[j];
    let maxAbsDiff = 0;
    a.out.forEach((t, k) => t.forEach((v, i) => (maxAbsDiff = Math.max(maxAbsDiff, Math.abs(v - c.out[k][i])))));
    let diagnosticsDiff = 0;
    a.diags.forEach((d, k) => {
      for (const f of ['disagreeBefore', 'disagreeAfter', 'kept'] as const) diagnosticsDiff = Math.max(diagnosticsDiff, Math.abs(d[f] - c.diags[k][f]));
    });
    return { method: r.method, ...(runs ? { models: r.models, params: r.params } : {}), maxAbsDiff, diagnosticsDiff };
  });
}
