// The model configuration, with Hugging Face `LlamaConfig` field names so a config.json exports
// and imports without renaming, plus the studio's `logit_scale` (a HyperCloned model with a tied
// head needs 1/m to keep its logits). Validation lives here: every entry point calls it.
// (weights.ts imports headDim from here; the size check is only called inside validateConfig.)
import { checkModelSize } from './weights';

export type HiddenAct = 'silu' | 'gelu';

export interface LlamaConfig {
  /** Width of the residual stream. */
  hidden_size: number;
  /** Width of the gated MLP's hidden layer. */
  intermediate_size: number;
  num_hidden_layers: number;
  /** Query heads; head size = hidden_size / num_attention_heads. */
  num_attention_heads: number;
  /** Key/value heads (grouped-query attention); must divide num_attention_heads. */
  num_key_value_heads: number;
  rms_norm_eps: number;
  rope_theta: number;
  /** Longest sequence the model is trained and evaluated on. */
  max_position_embeddings: number;
  vocab_size: number;
  /** true: the output head reuses model.embed_tokens.weight; no lm_head.weight is stored. */
  tie_word_embeddings: boolean;
  /** Activation of the gated MLP: SiLU (Llama) or GELU (exact, erf-based, as transformers' 'gelu'). */
  hidden_act: HiddenAct;
  /** Multiplies the logits; 1 for ordinary models. Not a transformers field. */
  logit_scale: number;
}

export const DEFAULT_CONFIG: LlamaConfig = {
  hidden_size: 64,
  intermediate_size: 128,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  rms_norm_eps: 1e-5,
  rope_theta: 10000,
  max_position_embeddings: 128,
  vocab_size: 259,
  tie_word_embeddings: true,
  hidden_act: 'silu',
  logit_scale: 1,
};

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

const INTEGER_FIELDS = [
  'hidden_size', 'intermediate_size', 'num_hidden_layers', 'num_attention_heads',
  'num_key_value_heads', 'max_position_embeddings', 'vocab_size',
] as const;

/**
 * Checks a config from an untrusted source (a form, an API call, a file) and returns it typed,
 * with missing optional fields filled from the defaults. Throws an Error naming the field and
 * the allowed values.
 */
export function validateConfig(input: unknown): LlamaConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new Error('config must be an object with LlamaConfig fields (hidden_size, num_hidden_layers, ...)');
  }
  const raw = input as Record<string, unknown>;
  const known = new Set(Object.keys(DEFAULT_CONFIG));
  const unknown = Object.keys(raw).filter((k) => !known.has(k));
  if (unknown.length) {
    throw new Error(`config has unknown field(s) ${unknown.join(', ')}; allowed: ${[...known].join(', ')}`);
  }
  const cfg = { ...DEFAULT_CONFIG, ...raw } as Record<string, unknown>;
  for (const f of INTEGER_FIELDS) {
    const v = cfg[f];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw new Error(`config.${f} must be a positive integer, got ${JSON.stringify(v)}`);
    }
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
  for (const f of ['rms_norm_eps', 'rope_theta', 'logit_scale'] as const) {
    if (typeof c[f] !== 'number' || !(c[f] > 0) || !Number.isFinite(c[f])) {
      throw new Error(`config.${f} must be a positive finite number, got ${JSON.stringify(c[f])}`);
    }
  }
  if (typeof c.tie_word_embeddings !== 'boolean') {
    throw new Error(`config.tie_word_embeddings must be true or false, got ${JSON.stringify(c.tie_word_embeddings)}`);
  }
  if (c.hidden_act !== 'silu' && c.hidden_act !== 'gelu') {
    throw new Error(`config.hidden_act must be 'silu' or 'gelu', got ${JSON.stringify(c.hidden_act)}`);
  }
  checkModelSize(c);
  return c;
}

export function headDim(c: LlamaConfig): number {
  return c.hidden_size / c.num_attention_heads;
}
