// mergekit YAML in and out (the shape the paper's configs use: merge_method, base_model, models
// with per-model parameters, global parameters, dtype), read with mergekit's meaning: a per-model
// parameter may also be given in the global parameters (for every model that does not set its
// own), any number may be a gradient over the layers or a list of {filter, value}, and keys a
// method does not use are accepted and ignored, as mergekit ignores them, with a note saying so.
// Unknown top-level keys and unsupported methods are errors, never silently dropped. Model
// references are names the studio maps to its checkpoints.
import { parseDocument, stringify } from 'yaml';
import type { MergeRecord } from '../checkpoint/manifest';
import { NON_INTEGER_FLOAT_TAG } from '../numeric/yaml11';
import { MERGE_DTYPES } from './dtype';
import { MERGE_METHODS, mergeMethod } from './registry';
import type { MergeRequest } from './merge';
import { checkSetting } from './settings';
import type { MergeMethod } from './types';

export interface MergekitConfig {
  mergeMethod: string;
  baseModel?: string;
  models: { model: string; parameters: Record<string, unknown> }[];
  /** Global parameters, and per-model ones given globally (they apply to every model). */
  parameters: Record<string, unknown>;
  dtype?: string;
  /** Keys accepted and ignored (as mergekit ignores them), and how dtype is honoured. */
  notes: string[];
  /**
   * A passthrough of `slices:`: layer ranges [start, end) of one model stacked in order, which
   * the studio runs as growth (see passthroughGrowth), not as a merge.
   */
  passthrough?: { model: string; ranges: [number, number][] };
}

const TOP_KEYS = ['merge_method', 'base_model', 'models', 'parameters', 'dtype', 'out_dtype', 'tokenizer_source', 'tokenizer', 'chat_template', 'slices'];
/** Top-level keys that do not change the merged weights when the experts share one tokenizer (which the studio requires). */
const NO_EFFECT: Record<string, string> = {
  out_dtype: 'out_dtype only sets the dtype mergekit writes; the studio stores float32 (choose the dtype when exporting)',
  tokenizer_source: 'tokenizer_source has no effect: the studio merges only experts that share one tokenizer, so the vocabulary is unchanged',
  tokenizer: 'tokenizer has no effect: the studio merges only experts that share one tokenizer',
  chat_template: 'chat_template has no effect on the weights',
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Keeps the keys `method` reads (checked), notes and drops the others as mergekit ignores them. */
function sortKeys(method: MergeMethod, raw: Record<string, unknown>, scope: 'global' | 'model', where: string, notes: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const specs = scope === 'global' ? [...method.globalParams, ...method.modelParams] : method.modelParams;
  for (const [k, v] of Object.entries(raw)) {
    const spec = specs.find((x) => x.name === k);
    const ignored = method.ignoredParams?.find((x) => x.name === k);
    if (spec) out[k] = checkSetting(spec, v, where);
    else if (ignored) notes.add(`${k} is accepted and ignored: ${ignored.why}`);
    else notes.add(`${k} is accepted and ignored: ${method.mergekitName} does not use it, and mergekit ignores parameters a method does not declare`);
  }
  return out;
}

/** Deeper than this, a YAML is refused before parsing: a mergekit config nests a few levels. */
export const MAX_YAML_DEPTH = 64;

/**
 * How deeply a YAML text nests, counted without parsing it (the parser recurses and a few
 * thousand levels overflow its stack): the most flow brackets open at once plus the deepest
 * stack of block indentation levels. Quoted text and comments are skipped.
 */
export function yamlNesting(text: string): number {
  let flow = 0;
  let maxFlow = 0;
  const indents: number[] = [];
  let maxBlock = 0;
  for (const line of text.split(/\r\n|\r|\n/)) {
    const indent = line.length - line.trimStart().length;
    const body = line.trim();
    if (body && !body.startsWith('#')) {
      while (indents.length && indents[indents.length - 1] >= indent) indents.pop();
      indents.push(indent);
      maxBlock = Math.max(maxBlock, indents.length);
    }
    let quote = '';
    for (const ch of line) {
      if (quote) {
        if (ch === quote) quote = '';
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '#') break;
      else if (ch === '[' || ch === '{') maxFlow = Math.max(maxFlow, ++flow);
      else if (ch === ']' || ch === '}') flow = Math.max(0, flow - 1);
    }
  }
  return maxFlow + maxBlock;
}

/** Parses and checks a mergekit config; errors name the line (syntax) or the key (content). */
export function parseMergekitYaml(text: string): MergekitConfig {
  if (typeof text !== 'string') throw new Error('a mergekit config must be YAML text');
  const depth = yamlNesting(text);
  if (depth > MAX_YAML_DEPTH) throw new Error(`the YAML nests ${depth} levels deep; a mergekit config needs a few, and the studio reads at most ${MAX_YAML_DEPTH}`);
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const at = e.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : 'unknown position';
    throw new Error(`YAML syntax error at ${at}: ${e.message.split('\n')[0]}`);
  }
  const raw = doc.toJS() as unknown;
  if (!isObject(raw)) throw new Error('a mergekit config is a YAML mapping with merge_method, base_model, models, parameters and dtype');
  const unknown = Object.keys(raw).filter((k) => !TOP_KEYS.includes(k));
  if (unknown.length) throw new Error(`unsupported mergekit key(s) ${unknown.join(', ')}; the studio reads ${TOP_KEYS.join(', ')} (modules are not supported)`);
  const name = raw.merge_method;
  if (typeof name !== 'string') throw new Error('merge_method is missing');
  if (raw.slices !== undefined) return parsePassthrough(name, raw);
  const supported = MERGE_METHODS.filter((m) => m.mergekitName).map((m) => m.mergekitName!);
  if (!supported.includes(name)) throw new Error(`merge_method ${name} is not supported; supported: ${supported.join(', ')}`);
  const method = MERGE_METHODS.find((m) => m.mergekitName === name)!;
  if (raw.base_model !== undefined && typeof raw.base_model !== 'string') throw new Error('base_model must be a model name');
  if (!Array.isArray(raw.models) || raw.models.length === 0) throw new Error('models must be a non-empty list of {model, parameters}');
  const notes = new Set<string>();
  for (const k of Object.keys(NO_EFFECT)) if (k in raw) notes.add(NO_EFFECT[k]);
  if (raw.parameters !== undefined && !isObject(raw.parameters)) throw new Error('parameters must be a mapping');
  const parameters = sortKeys(method, (raw.parameters as Record<string, unknown>) ?? {}, 'global', 'parameters', notes);
  const models = raw.models.map((m, i) => {
    if (!isObject(m) || typeof m.model !== 'string') throw new Error(`models[${i}] must have a model name`);
    const extra = Object.keys(m).filter((k) => k !== 'model' && k !== 'parameters');
    if (extra.length) throw new Error(`models[${i}] has unsupported key(s) ${extra.join(', ')}; parameters go under parameters`);
    if (m.parameters !== undefined && !isObject(m.parameters)) throw new Error(`models[${i}].parameters must be a mapping`);
    const own = sortKeys(method, (m.parameters as Record<string, unknown>) ?? {}, 'model', `models[${i}] (${m.model})`, notes);
    // mergekit refuses a model without its required parameters (weight), the base model excepted.
    if (m.model !== raw.base_model) {
      for (const s of method.modelParams) {
        if (s.mergekitRequired && !(s.name in own) && !(s.name in parameters)) throw new Error(`models[${i}] (${m.model}): ${s.name} is missing; mergekit requires it for ${name} (give it under the model's parameters or in the global parameters)`);
      }
    }
    return { model: m.model, parameters: own };
  });
  for (const s of method.globalParams) {
    if (s.mergekitRequired && !(s.name in parameters)) throw new Error(`parameters.${s.name} is missing; mergekit requires it for ${name}`);
  }
  const dtype = raw.dtype;
  if (dtype !== undefined && (typeof dtype !== 'string' || !(MERGE_DTYPES as readonly string[]).includes(dtype))) throw new Error(`dtype must be one of ${MERGE_DTYPES.join(', ')}, got ${JSON.stringify(dtype)}`);
  if (dtype && dtype !== 'float32') notes.add(`dtype ${dtype}: the inputs are rounded to ${dtype} and the merge to ${dtype} after it; mergekit also rounds every intermediate step, so results may differ by a few units in ${dtype}'s last place`);
  return { mergeMethod: name, baseModel: raw.base_model as string | undefined, models, parameters, dtype: dtype as string | undefined, notes: [...notes] };
}

/**
 * mergekit's passthrough of `slices:`, each slice one source `{model, layer_range: [start, end]}`
 * (end exclusive, as mergekit slices layers), all from one model: the stacked layers. Other
 * slice forms (merging layer ranges of several models) are refused, naming what is supported.
 */
function parsePassthrough(method: string, raw: Record<string, unknown>): MergekitConfig {
  if (method !== 'passthrough') throw new Error(`slices with merge_method ${method} (merging layer ranges) are not supported; use models: to merge whole models, or merge_method passthrough to stack layer ranges of one model`);
  if (raw.models !== undefined) throw new Error('passthrough takes slices or models, not both');
  const slices = raw.slices;
  if (!Array.isArray(slices) || slices.length === 0) throw new Error('slices must be a non-empty list of {sources: [{model, layer_range: [start, end]}]}');
  const ranges: [number, number][] = [];
  let model: string | undefined;
  slices.forEach((sl, i) => {
    if (!isObject(sl) || !Array.isArray(sl.sources) || sl.sources.length !== 1) throw new Error(`slices[${i}] must have exactly one source {model, layer_range}: passthrough copies layers, it does not merge them (several sources per slice are a merge of layer ranges, which the studio does not support)`);
    const src = sl.sources[0] as Record<string, unknown>;
    const extra = isObject(src) ? Object.keys(src).filter((k) => k !== 'model' && k !== 'layer_range') : [];
    if (!isObject(src) || typeof src.model !== 'string') throw new Error(`slices[${i}].sources[0] must name a model`);
    if (extra.length) throw new Error(`slices[${i}].sources[0] has unsupported key(s) ${extra.join(', ')}; the studio reads model and layer_range`);
    const r = src.layer_range;
    if (!Array.isArray(r) || r.length !== 2 || !r.every((x) => Number.isInteger(x) && x >= 0) || r[0] >= r[1]) throw new Error(`slices[${i}].sources[0].layer_range must be [start, end] with integers 0 ≤ start < end, got ${JSON.stringify(r)}`);
    if (model !== undefined && src.model !== model) throw new Error(`slices take layers of ${model} and of ${src.model}: the studio stacks layers of one model only (depth growth)`);
    model = src.model;
    ranges.push([r[0], r[1]]);
  });
  const notes = new Set<string>();
  for (const k of Object.keys(NO_EFFECT)) if (k in raw) notes.add(NO_EFFECT[k]);
  if (raw.parameters !== undefined) notes.add('parameters are accepted and ignored: passthrough copies layers as they are');
  if (raw.dtype !== undefined && raw.dtype !== 'float32') notes.add(`dtype ${String(raw.dtype)} is accepted and ignored: the grown model keeps the parent's float32 weights`);
  notes.add(`passthrough of ${model} layers ${ranges.map(([a, b]) => `[${a}, ${b})`).join(' + ')} runs as depth growth (Grow), not as a merge`);
  return { mergeMethod: 'passthrough', models: [], parameters: {}, notes: [...notes], passthrough: { model: model!, ranges } };
}

/**
 * The growth a passthrough's layer ranges describe for a parent of `layers` layers. SOLAR's
 * depth up-scaling is the form `[0, n − k)` + `[k, n)`, i.e. depth_upscale with that k, and the
 * studio's growth methods cover nothing else as a plain layer copy: other stacks are refused,
 * naming the form.
 */
export function passthroughGrowth(p: NonNullable<MergekitConfig['passthrough']>, layers: number): { method: 'depth_upscale'; k: number } {
  for (const [, end] of p.ranges) if (end > layers) throw new Error(`layer_range end ${end} is past ${p.model}'s ${layers} layers`);
  const [first, second] = p.ranges;
  if (p.ranges.length === 2 && first[0] === 0 && second[1] === layers && first[1] === layers - second[0] && second[0] < layers) return { method: 'depth_upscale', k: second[0] };
  throw new Error(`passthrough layers ${p.ranges.map(([a, b]) => `[${a}, ${b})`).join(' + ')} of a ${layers}-layer model: the studio runs the depth up-scaling form [0, n − k) + [k, n) (SOLAR), here [0, ${layers} − k) + [k, ${layers}); for other stacks use Grow (depth_upscale, block_expand)`);
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
    ...(c.dtype ? { dtype: c.dtype } : {}),
  };
}

/**
 * A YAML mergekit accepts for a studio merge; names stand for the models (map them to paths).
 * Fractions are written as YAML 1.1 floats (1.0e-8, not 1e-8, which PyYAML reads as a str).
 */
export function mergekitYaml(rec: MergeRecord, nameOf: (id: string) => string): string {
  const method = mergeMethod(rec.method);
  if (!method.mergekitName) throw new Error(`${method.id} has no mergekit equivalent${method.ours ? ' (it is the studio\'s own formulation)' : ''}; it cannot be exported as mergekit YAML`);
  const { seed: _seed, ...settings } = rec.global;
  // The studio's own parameters (mergekit: false) are left out: mergekit would drop them silently.
  const own = method.globalParams.filter((p) => p.mergekit === false);
  const global = Object.fromEntries(Object.entries(settings).filter(([k]) => !own.some((p) => p.name === k)));
  const ownNotes = own.filter((p) => p.name in settings && settings[p.name] !== p.default).map((p) => `# ${p.name}: ${JSON.stringify(settings[p.name])} is the studio's own setting (${p.label}); mergekit has no such parameter and merges as with ${JSON.stringify(p.default)}.\n`);
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
  config.dtype = rec.dtype ?? 'float32';
  const seedNote = rec.global.seed !== undefined ? `# The studio drew DARE's random masks with seed ${rec.global.seed}; mergekit draws its own.\n` : '';
  return `# Exported by Grow Up and Merge Studio: replace the model names with paths or Hugging Face ids.\n${seedNote}${ownNotes.join('')}${stringify(config, { customTags: (tags) => [NON_INTEGER_FLOAT_TAG, ...tags] })}`;
}
