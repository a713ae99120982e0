// The model configuration, with Hugging Face `LlamaConfig` field names so a config.json exports
// and imports without renaming, plus the studio's `logit_scale` (a HyperCloned model with a tied
// head needs 1/m to keep its logits). Validation lives here: every entry point calls it.
// (weights.ts imports headDim from here; the size check is only called inside validateConfig.)
import { checkModelSize } from './weights';
import { outOfRange, type SettingsOf, type Spec } from '../params';

/**
 * The config's fields as schema entries (core/params.ts): kind, bounds, default and help. The
 * type, the defaults, validateConfig's field checks and the Create-model form follow from them.
 */
export const CONFIG_SETTINGS = [
  { name: 'hidden_size', kind: 'int', min: 1, default: 64, label: 'hidden_size', help: 'Width of the residual stream.' },
  { name: 'intermediate_size', kind: 'int', min: 1, default: 128, label: 'intermediate_size', help: "Width of the gated MLP's hidden layer." },
  { name: 'num_hidden_layers', kind: 'int', min: 1, default: 2, label: 'num_hidden_layers', help: 'Decoder layers.' },
  { name: 'num_attention_heads', kind: 'int', min: 1, default: 4, label: 'num_attention_heads', help: 'Query heads; head size = hidden_size / num_attention_heads (even, for RoPE).' },
  { name: 'num_key_value_heads', kind: 'int', min: 1, default: 2, label: 'num_key_value_heads', help: 'Key/value heads (grouped-query attention); must divide num_attention_heads.' },
  { name: 'max_position_embeddings', kind: 'int', min: 1, default: 128, label: 'max_position_embeddings', help: 'Longest sequence the model is trained and evaluated on.' },
  { name: 'vocab_size', kind: 'int', min: 1, default: 259, label: 'vocab_size', help: "Rows of the embedding: 259 for the studio's byte tokenizer." },
  { name: 'rope_theta', kind: 'number', min: 0, minExclusive: true, default: 10000, label: 'rope_theta', help: 'Base of the rotary position frequencies.' },
  { name: 'rms_norm_eps', kind: 'number', min: 0, minExclusive: true, default: 1e-5, label: 'rms_norm_eps', help: "Added to the mean square in RMSNorm." },
  { name: 'logit_scale', kind: 'number', min: 0, minExclusive: true, default: 1, label: 'logit_scale', help: 'Multiplies the logits; 1 for ordinary models (a HyperCloned tied head gets 1/m). Not a transformers field.' },
  { name: 'hidden_act', kind: 'enum', values: ['silu', 'gelu'], default: 'silu', label: 'hidden_act', help: "Activation of the gated MLP: SiLU (Llama) or GELU (exact, erf-based, as transformers' 'gelu')." },
  { name: 'tie_word_embeddings', kind: 'boolean', default: true, label: 'tie_word_embeddings', help: 'The output head reuses model.embed_tokens.weight; no lm_head.weight is stored.' },
] as const satisfies readonly Spec[];

export type LlamaConfig = SettingsOf<typeof CONFIG_SETTINGS>;

export type HiddenAct = LlamaConfig['hidden_act'];

export const DEFAULT_CONFIG: LlamaConfig = Object.fromEntries(CONFIG_SETTINGS.map((f) => [f.name, f.default])) as LlamaConfig;

export interface ModelPreset {
  id: string;
  label: string;
  description: string;
  config: LlamaConfig;
}

/** Presets sized for the devices the studio meets: software WebGPU needs the tiny ones. */
export const MODEL_PRESETS: ModelPreset[] = [
  {
    id: 'tiny',
    label: 'Tiny (~30k)',
    description: 'd=32, 2 layers: trains at a usable pace even on software WebGPU or the CPU backend.',
    config: { ...DEFAULT_CONFIG, hidden_size: 32, intermediate_size: 64, num_attention_heads: 4, num_key_value_heads: 2, max_position_embeddings: 64 },
  },
  {
    id: 'small',
    label: 'Small (~120k)',
    description: 'd=64, 2 layers, GQA 4/2.',
    config: { ...DEFAULT_CONFIG },
  },
  {
    id: 'base-1m',
    label: 'Base (~1M)',
    description: 'd=128, 6 layers, GQA 4/2, MLP 384: needs a real GPU.',
    config: { ...DEFAULT_CONFIG, hidden_size: 128, intermediate_size: 384, num_hidden_layers: 6, num_attention_heads: 4, num_key_value_heads: 2, max_position_embeddings: 256 },
  },
  {
    id: 'smollm2-shape-mini',
    label: 'SmolLM2 shape, scaled down (~3M)',
    description: 'The paper\'s 1x shape ratios (9 heads / 3 KV heads, FFN = 8/3 d, tied) at d=144, 8 layers.',
    config: { ...DEFAULT_CONFIG, hidden_size: 144, intermediate_size: 384, num_hidden_layers: 8, num_attention_heads: 9, num_key_value_heads: 3, max_position_embeddings: 256 },
  },
];

/**
 * Checks a config from an untrusted source (a form, an API call, a file) and returns it typed,
 * with missing optional fields filled from the defaults. Throws an Error naming the field and
 * the allowed values: each field by its schema entry, then the rules between fields.
 */
export function validateConfig(input: unknown): LlamaConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new Error('config must be an object with LlamaConfig fields (hidden_size, num_hidden_layers, ...)');
  }
  const raw = input as Record<string, unknown>;
  const known = new Set<string>(CONFIG_SETTINGS.map((f) => f.name));
  const unknown = Object.keys(raw).filter((k) => !known.has(k));
  if (unknown.length) {
    throw new Error(`config has unknown field(s) ${unknown.join(', ')}; allowed: ${[...known].join(', ')}`);
  }
  const cfg = { ...DEFAULT_CONFIG, ...raw } as Record<string, unknown>;
  for (const f of CONFIG_SETTINGS) {
    const v = cfg[f.name];
    const bad = f.kind === 'int' ? outOfRange(f, v, {}) : f.kind === 'number' ? outOfRange(f, v, {}) : f.kind === 'boolean' ? typeof v !== 'boolean' : !f.values.includes(v as never);
    if (!bad) continue;
    const allowed = f.kind === 'int' ? 'a positive integer' : f.kind === 'number' ? 'a positive finite number' : f.kind === 'boolean' ? 'true or false' : f.values.map((x) => `'${x}'`).join(' or ');
    throw new Error(`config.${f.name} must be ${allowed}, got ${JSON.stringify(v)}`);
  }
  const c = cfg as unknown as LlamaConfig;
  if (c.hidden_size % c.num_attention_heads !== 0) {
    throw new Error(`config.hidden_size (${c.hidden_size}) must be divisible by config.num_attention_heads (${c.num_attention_heads})`);
  }
  if (c.num_attention_heads % c.num_key_value_heads !== 0) {
    throw new Error(`config.num_key_value_heads (${c.num_key_value_heads}) must divide config.num_attention_heads (${c.num_attention_heads})`);
  }
  if ((c.hidden_size / c.num_attention_heads) % 2 !== 0) {
    throw new Error(`head size hidden_size/num_attention_heads = ${c.hidden_size / c.num_attention_heads} must be even for RoPE`);
  }
  checkModelSize(c);
  return c;
}

export function headDim(c: LlamaConfig): number {
  return c.hidden_size / c.num_attention_heads;
}
