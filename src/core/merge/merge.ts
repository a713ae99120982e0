// Planning and running a merge: check the request against the method's schema and the models'
// architectures (every tensor name and shape must match, or the error lists them), then merge
// tensor by tensor, so memory holds one tensor per model at a time, with interference
// diagnostics for each tensor.
import { countNonFinite } from '../checkpoint/safetensors';
import * as tf from '@tensorflow/tfjs';
import { describeTokenizer, sameTokenizer, type TokenizerSpec } from '../tokenizer/tokenizer';
import type { LlamaConfig } from '../model/config';
import { weightSpecs } from '../model/weights';
import type { ParamSpec, ParamValues } from '../params';
import { MERGE_DTYPES, roundToDtype, type MergeDtype } from './dtype';
import { checkSetting, layerPosition, resolveParams, type Condition, type ParamSetting, type ParamSettings } from './settings';
import { hashString, uniformStream } from '../rng';
import { mergeMethod } from './registry';
import type { MergeMethod } from './types';
import type { Kernels } from '../kernels';

export interface MergeRequest {
  method: string;
  base?: string;
  /** Each expert with its parameters: a value, a gradient over the layers or a list of {filter, value}. */
  models: ({ id: string } & Record<string, unknown>)[];
  /** The method's global parameters, and per-model parameters that apply to every model that does not set its own (as mergekit reads them). */
  params?: Record<string, unknown>;
  /** The dtype the merge computes in, as mergekit's `dtype`: float32 (default), float16 or bfloat16. */
  dtype?: string;
}

export interface MergePlan {
  method: MergeMethod;
  base?: string;
  /** Each expert's settings, complete: its own, else the global parameters', else the default. */
  models: { id: string; params: ParamSettings }[];
  global: ParamSettings;
  dtype?: MergeDtype;
  /** Keys accepted and ignored, as mergekit ignores them (say so to the user). */
  notes?: string[];
}

/** A model's setting: its own, falling back to the shared one and then the default where its conditions match no tensor. */
function chain(own: ParamSetting | undefined, shared: ParamSetting | undefined, def: number | boolean): ParamSetting {
  const fallback = shared ?? def;
  if (own === undefined) return fallback;
  const conditional = Array.isArray(own) && own.some((x) => typeof x === 'object');
  if (!conditional || (own as Condition[]).some((c) => c.filter === undefined || c.filter === '*')) return own;
  const asConditions = (s: ParamSetting): Condition[] => (Array.isArray(s) && s.some((x) => typeof x === 'object') ? (s as Condition[]) : [{ value: s as Condition['value'] }]);
  return [...(own as Condition[]), ...asConditions(fallback), { value: def }];
}

const modelCount = (n: number) => `${n} model${n === 1 ? '' : 's'}`;

/** Checks the request against the method's parameter schema; throws naming what is wrong. */
export function planMerge(req: MergeRequest): MergePlan {
  if (typeof req !== 'object' || req === null) throw new Error('merge needs {method, base?, models: [{id, weight, ...}], params?, dtype?}');
  const method = mergeMethod(req.method);
  if (!Array.isArray(req.models) || req.models.length < (method.expertCount ?? 2)) {
    throw new Error(`${method.id} needs ${method.expertCount ? `exactly ${modelCount(method.expertCount)}` : 'at least 2 models'}, got ${Array.isArray(req.models) ? req.models.length : 'none'}`);
  }
  if (method.expertCount && req.models.length !== method.expertCount) throw new Error(`${method.id} needs exactly ${modelCount(method.expertCount)}, got ${req.models.length}`);
  if (method.base === 'required' && !req.base) throw new Error(`${method.id} needs a base model (the model the experts were trained from): give base`);
  if (method.base === 'none' && req.base) throw new Error(`${method.id} uses no base model; leave base out`);
  if (req.dtype !== undefined && !MERGE_DTYPES.includes(req.dtype as MergeDtype)) throw new Error(`dtype must be one of ${MERGE_DTYPES.join(', ')}, got ${JSON.stringify(req.dtype)}`);
  if (req.params !== undefined && (typeof req.params !== 'object' || req.params === null || Array.isArray(req.params))) throw new Error(`${method.id}: params must be an object of parameters`);
  const notes = new Set<string>();
  const ignored = method.ignoredParams ?? [];
  const allowed = () => [
    `global: ${method.globalParams.map((s) => s.name).join(', ') || 'none'}`,
    `per model (also accepted in params for every model): ${method.modelParams.map((s) => s.name).join(', ') || 'none'}`,
    ...(ignored.length ? [`accepted and ignored as mergekit ignores them: ${ignored.map((x) => x.name).join(', ')}`] : []),
  ].join('; ');
  const sort = (raw: Record<string, unknown>, where: string, primary: ParamSpec[], secondary: ParamSpec[], into: ParamSettings, intoSecondary: ParamSettings) => {
    const unknown: string[] = [];
    for (const [k, v] of Object.entries(raw)) {
      if (v === undefined) continue;
      const p = primary.find((s) => s.name === k);
      const q = secondary.find((s) => s.name === k);
      const skip = ignored.find((x) => x.name === k);
      if (p) into[k] = checkSetting(p, v, where);
      else if (q) intoSecondary[k] = checkSetting(q, v, where);
      else if (skip) notes.add(`${k} is accepted and ignored: ${skip.why}`);
      else unknown.push(k);
    }
    if (unknown.length) throw new Error(`${where}: unknown parameter(s) ${unknown.join(', ')}; allowed: ${allowed()}`);
  };
  const global: ParamSettings = {};
  const shared: ParamSettings = {};
  sort(req.params ?? {}, method.id, method.globalParams, method.modelParams, global, shared);
  for (const s of method.globalParams) global[s.name] ??= s.default;
  const models = req.models.map((m, i) => {
    if (!m || typeof m.id !== 'string') throw new Error(`models[${i}].id must be a checkpoint id`);
    const { id, ...params } = m;
    const where = `${method.id} models[${i}]`;
    const own: ParamSettings = {};
    sort(params, where, method.modelParams, [], own, {});
    for (const s of method.modelParams) own[s.name] = chain(own[s.name], shared[s.name], s.default);
    return { id, params: own };
  });
  const ids = models.map((m) => m.id);
  if (new Set(ids).size !== ids.length) throw new Error('each model may appear once in models');
  if (req.base && ids.includes(req.base)) throw new Error('the base model cannot also be one of the models');
  const plan: MergePlan = { method, base: req.base, models, global, dtype: (req.dtype as MergeDtype | undefined) ?? 'float32', notes: [...notes] };
  // Generalized task arithmetic divides by 1 where the weights sum to ~0, as mergekit does; other methods refuse.
  const weights = models.map((m) => m.params.weight ?? 1);
  if (method.family !== 'task-arithmetic' && global.normalize === true && weights.every((w) => typeof w === 'number')) {
    // Dividing by a sum near 0 (1e-11) blows the merged weights up to NaN: the sum must be clearly
    // positive, above a millionth of the weights' magnitudes.
    const ws = weights as number[];
    const sum = ws.reduce((a, b) => a + b, 0);
    const scale = ws.reduce((a, b) => a + Math.abs(b), 0);
    if (!(sum > 1e-6 * Math.max(scale, 1e-300))) throw new Error(`${method.id}: the weights sum to ${sum}; normalize divides by that sum, so it must be clearly positive (more than 1e-6 of Σ|w| = ${scale}); change the weights or turn normalize off`);
  }
  for (const t of [0, 1]) {
    const p = tensorParams(plan, '', t);
    method.checkParams?.(p.perModel, p.global, method.id);
  }
  return plan;
}

/** The parameter values of one tensor (its name and mergekit's layer position t). */
export function tensorParams(plan: MergePlan, name: string, t: number): { perModel: ParamValues[]; global: ParamValues } {
  return {
    perModel: plan.models.map((m) => resolveParams(plan.method.modelParams, [m.params], name, t)),
    global: resolveParams(plan.method.globalParams, [plan.global], name, t),
  };
}

const SHAPE_FIELDS: (keyof LlamaConfig)[] = ['hidden_size', 'intermediate_size', 'num_hidden_layers', 'num_attention_heads', 'num_key_value_heads', 'vocab_size', 'tie_word_embeddings', 'hidden_act', 'logit_scale'];

/** Throws listing every tensor whose name or shape differs between the models. */
export function checkCompatible(models: { name: string; config: LlamaConfig; tokenizer?: TokenizerSpec }[]): void {
  const [first, ...rest] = models;
  // Equal shapes are not enough: row i of the embedding must mean the same token in every model.
  for (const m of rest) {
    if (first.tokenizer && m.tokenizer && !sameTokenizer(first.tokenizer, m.tokenizer)) {
      throw new Error(`the models cannot be merged: ${m.name} uses the tokenizer ${describeTokenizer(m.tokenizer)} and ${first.name} uses ${describeTokenizer(first.tokenizer)}; token ids would not mean the same`);
    }
  }
  const ref = new Map(weightSpecs(first.config).map((s) => [s.name, s.shape.join('x')]));
  const problems: string[] = [];
  for (const m of rest) {
    const specs = new Map(weightSpecs(m.config).map((s) => [s.name, s.shape.join('x')]));
    for (const [name, shape] of ref) {
      if (!specs.has(name)) problems.push(`${m.name} lacks ${name}`);
      else if (specs.get(name) !== shape) problems.push(`${name} is ${specs.get(name)} in ${m.name} but ${shape} in ${first.name}`);
    }
    for (const name of specs.keys()) if (!ref.has(name)) problems.push(`${m.name} has ${name}, ${first.name} does not`);
    for (const f of SHAPE_FIELDS) if (m.config[f] !== first.config[f] && !problems.length) problems.push(`${f} is ${m.config[f]} in ${m.name} but ${first.config[f]} in ${first.name}`);
  }
  if (problems.length) throw new Error(`the models cannot be merged, their tensors differ: ${problems.slice(0, 10).join('; ')}${problems.length > 10 ? `; and ${problems.length - 10} more` : ''}`);
}

export interface TensorDiagnostics {
  name: string;
  layer: number | null;
  /** Share of entries where the experts' task vectors disagree in sign (some > 0, some < 0). */
  disagreeBefore: number;
  /** The same among the entries the method keeps. */
  disagreeAfter: number;
  /** Share of (model, entry) task-vector values that reach the merged tensor. */
  kept: number;
}

/** Reads one tensor of one model (from a checkpoint file, a Fisher blob, ...). */
export type TensorReader = (name: string) => Promise<Float32Array>;

export interface MergeSources {
  base?: TensorReader;
  models: TensorReader[];
  fisher?: TensorReader[];
}

/** The seed of the noise DARE draws for model i's copy of tensor `name`: a function of the merge seed only. */
export function noiseSeed(name: string, modelIndex: number, seed: number): number {
  return hashString(`${name}#${modelIndex}`, seed);
}

/** The uniform noise DARE draws for model i's copy of tensor `name`. */
export function uniformNoise(name: string, modelIndex: number, seed: number, n: number): Float32Array {
  return uniformStream(noiseSeed(name, modelIndex, seed), n);
}

function disagreement(contrib: tf.Tensor): tf.Tensor {
  // max/min over the experts rather than tf.any, whose boolean reduction disagrees with the CPU
  // on the WebGPU backend (caught by checkMergeParity); and element-wise over the experts' slices
  // rather than a reduction over axis 0, which tfjs-backend-webgpu runs as one workgroup per
  // output entry (seconds for a 64K-entry tensor on SwiftShader).
  const parts = tf.unstack(contrib);
  const anyPos = tf.greater(parts.reduce((a, b) => tf.maximum(a, b)), 0);
  const anyNeg = tf.less(parts.reduce((a, b) => tf.minimum(a, b)), 0);
  return tf.mean(tf.cast(tf.logicalAnd(anyPos, anyNeg), 'float32'));
}

/**
 * Merges every tensor of `config` in order with `kernels`, handing each result to `emit` before
 * the next is read. With `diagnosticsOnly`, computes the diagnostics and emits nothing.
 */
export async function runMerge(
  plan: MergePlan,
  config: LlamaConfig,
  src: MergeSources,
  kernels: Kernels,
  emit: (name: string, shape: number[], data: Float32Array) => void,
  progress: (done: number, total: number, d: TensorDiagnostics | null) => void,
  diagnosticsOnly = false,
): Promise<TensorDiagnostics[]> {
  const specs = weightSpecs(config);
  const diagnostics: TensorDiagnostics[] = [];
  const seed = (plan.global.seed as number | undefined) ?? 0;
  const dtype = plan.dtype ?? 'float32';
  // mergekit casts every input to the merge dtype; copies, as readers may hand out shared buffers.
  const cast = (d: Float32Array) => (dtype === 'float32' ? d : roundToDtype(Float32Array.from(d), dtype));
  for (let k = 0; k < specs.length; k++) {
    const spec = specs[k];
    const [rawBase, rawModels, fisher] = await Promise.all([
      src.base?.(spec.name),
      Promise.all(src.models.map((r) => r(spec.name))),
      src.fisher ? Promise.all(src.fisher.map((r) => r(spec.name))) : undefined,
    ]);
    const base = rawBase && cast(rawBase);
    const models = rawModels.map(cast);
    const params = tensorParams(plan, spec.name, layerPosition(spec.layer, config.num_hidden_layers));
    plan.method.checkParams?.(params.perModel, params.global, `${plan.method.id} ${spec.name}`);
    let kept: tf.Tensor | undefined;
    const outputs = tf.tidy(() => {
      const t = (d: Float32Array) => tf.tensor(d, spec.shape);
      const baseT = base ? t(base) : undefined;
      const modelT = models.map(t);
      const merged = plan.method.mergeTensor({
        name: spec.name,
        base: baseT,
        models: modelT,
        perModel: params.perModel,
        global: params.global,
        fisher: fisher?.map(t),
        noiseSeed: (i) => noiseSeed(spec.name, i, seed),
        reportKept: (mask) => void (kept = tf.keep(mask)),
      }, kernels);
      if (!baseT) return { merged, stats: undefined };
      const taus = tf.stack(modelT.map((m) => tf.sub(m, baseT)));
      const keptMask = kept ?? tf.onesLike(taus);
      const stats = tf.stack([disagreement(taus), disagreement(tf.mul(taus, keptMask)), tf.mean(keptMask)]);
      return { merged, stats };
    });
    kept?.dispose();
    let d: TensorDiagnostics | null = null;
    if (outputs.stats) {
      const [before, after, share] = await outputs.stats.data();
      outputs.stats.dispose();
      d = { name: spec.name, layer: spec.layer, disagreeBefore: before, disagreeAfter: after, kept: share };
      diagnostics.push(d);
    }
    if (diagnosticsOnly) outputs.merged.dispose();
    else {
      const data = roundToDtype((await outputs.merged.data()) as Float32Array, dtype);
      outputs.merged.dispose();
      const bad = countNonFinite(data);
      if (bad) throw new Error(`${plan.method.id} produced ${bad} non-finite value(s) (NaN or ±Inf) in ${spec.name}; nothing was saved; check the weights and parameters`);
      emit(spec.name, spec.shape, data);
    }
    progress(k + 1, specs.length, d);
  }
  return diagnostics;
}
