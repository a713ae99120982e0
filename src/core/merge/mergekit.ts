// mergekit YAML in and out (the shape the paper's configs use: merge_method, base_model, models
// with per-model parameters, global parameters, dtype). Model references are names the studio maps
// to its checkpoints. Unknown keys and unsupported methods are errors, never silently dropped.
import { parseDocument, stringify } from 'yaml';
import type { MergeRecord } from '../checkpoint/manifest';
import { MERGE_METHODS, mergeMethod } from './registry';
import type { MergeRequest } from './merge';

export interface MergekitConfig {
  mergeMethod: string;
  baseModel?: string;
  models: { model: string; parameters: Record<string, unknown> }[];
  parameters: Record<string, unknown>;
  dtype?: string;
  /** Keys the studio accepts but cannot honour (int8_mask, dtype other than float32). */
  notes: string[];
}

const TOP_KEYS = ['merge_method', 'base_model', 'models', 'parameters', 'dtype'];
const ACCEPTED_NO_OP = ['int8_mask'];
const DTYPES = ['float32', 'float16', 'bfloat16'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses and checks a mergekit config; errors name the line (syntax) or the key (content). */
export function parseMergekitYaml(text: string): MergekitConfig {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const at = e.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : 'unknown position';
    throw new Error(`YAML syntax error at ${at}: ${e.message.split('\n')[0]}`);
  }
  const raw = doc.toJS() as unknown;
  if (!isObject(raw)) throw new Error('a mergekit config is a YAML mapping with merge_method, base_model, models, parameters and dtype');
  const unknown = Object.keys(raw).filter((k) => !TOP_KEYS.includes(k));
  if (unknown.length) throw new Error(`unsupported mergekit key(s) ${unknown.join(', ')}; the studio reads ${TOP_KEYS.join(', ')} (slices and tokenizer options are not supported)`);
  const method = raw.merge_method;
  if (typeof method !== 'string') throw new Error('merge_method is missing');
  const supported = MERGE_METHODS.filter((m) => m.mergekitName).map((m) => m.mergekitName!);
  if (!supported.includes(method)) throw new Error(`merge_method ${method} is not supported; supported: ${supported.join(', ')}`);
  if (raw.base_model !== undefined && typeof raw.base_model !== 'string') throw new Error('base_model must be a model name');
  if (!Array.isArray(raw.models) || raw.models.length === 0) throw new Error('models must be a non-empty list of {model, parameters}');
  const notes: string[] = [];
  const models = raw.models.map((m, i) => {
    if (!isObject(m) || typeof m.model !== 'string') throw new Error(`models[${i}] must have a model name`);
    const extra = Object.keys(m).filter((k) => k !== 'model' && k !== 'parameters');
    if (extra.length) throw new Error(`models[${i}] has unsupported key(s) ${extra.join(', ')}`);
    if (m.parameters !== undefined && !isObject(m.parameters)) throw new Error(`models[${i}].parameters must be a mapping`);
    return { model: m.model, parameters: (m.parameters as Record<string, unknown>) ?? {} };
  });
  if (raw.parameters !== undefined && !isObject(raw.parameters)) throw new Error('parameters must be a mapping');
  const parameters = { ...((raw.parameters as Record<string, unknown>) ?? {}) };
  for (const k of ACCEPTED_NO_OP) {
    if (k in parameters) {
      notes.push(`${k} is accepted but has no effect: the studio merges in float32`);
      delete parameters[k];
    }
  }
  const dtype = raw.dtype;
  if (dtype !== undefined && (typeof dtype !== 'string' || !DTYPES.includes(dtype))) throw new Error(`dtype must be one of ${DTYPES.join(', ')}, got ${JSON.stringify(dtype)}`);
  if (dtype && dtype !== 'float32') notes.push(`dtype ${dtype}: the studio merges and stores in float32`);
  return { mergeMethod: method, baseModel: raw.base_model as string | undefined, models, parameters, dtype: dtype as string | undefined, notes };
}

/** The studio request for a parsed config, with model names resolved to checkpoint ids. */
export function mergekitToRequest(c: MergekitConfig, resolve: (name: string) => string): MergeRequest {
  const method = MERGE_METHODS.find((m) => m.mergekitName === c.mergeMethod)!;
  let models = c.models;
  let base = c.baseModel;
  if (method.id === 'slerp') {
    // mergekit's slerp interpolates from base_model (t = 0) to the other model.
    if (!base) throw new Error('slerp needs base_model (the model at t = 0)');
    const other = models.filter((m) => m.model !== base);
    if (other.length !== 1) throw new Error('slerp needs base_model and exactly one other model');
    models = [{ model: base, parameters: {} }, other[0]];
    base = undefined;
  } else {
    models = models.filter((m) => m.model !== base);
  }
  return {
    method: method.id,
    base: base ? resolve(base) : undefined,
    models: models.map((m) => ({ id: resolve(m.model), ...m.parameters })),
    params: c.parameters,
  };
}

/** A YAML mergekit accepts for a studio merge; names stand for the models (map them to paths). */
export function mergekitYaml(rec: MergeRecord, nameOf: (id: string) => string): string {
  const method = mergeMethod(rec.method);
  if (!method.mergekitName) throw new Error(`${method.id} has no mergekit equivalent${method.ours ? ' (it is the studio\'s own formulation)' : ''}; it cannot be exported as mergekit YAML`);
  const { seed: _seed, ...global } = rec.global;
  const models = rec.models.map((m) => ({ model: nameOf(m.id), parameters: m.params }));
  const config: Record<string, unknown> = { merge_method: method.mergekitName };
  if (method.id === 'slerp') {
    config.base_model = models[0].model;
    config.models = models.map((m) => ({ model: m.model }));
  } else {
    if (rec.base) config.base_model = nameOf(rec.base);
    config.models = rec.base ? [{ model: nameOf(rec.base) }, ...models] : models;
  }
  if (Object.keys(global).length) config.parameters = global;
  config.dtype = 'float32';
  const seedNote = rec.global.seed !== undefined ? `# The studio drew DARE's random masks with seed ${rec.global.seed}; mergekit draws its own.\n` : '';
  return `# Exported by Grow Up and Merge Studio: replace the model names with paths or Hugging Face ids.\n${seedNote}${stringify(config)}`;
}
