// The architecture table: every tensor of a Llama model by its Hugging Face name, with its shape
// ([out, in] for linear layers) and what each axis is. Growth tiles along these axes, merging
// pairs tensors by these names, safetensors export writes them as they are.
import type { LlamaConfig } from './config';
import { headDim } from './config';

/** What an axis of a weight spans; growth methods decide per kind how to widen it. */
export type AxisKind = 'vocab' | 'hidden' | 'q_heads' | 'kv_heads' | 'intermediate';

export interface WeightSpec {
  name: string;
  shape: number[];
  axes: AxisKind[];
  /** How the tensor starts life in a fresh model. */
  init: 'normal' | 'ones' | 'normal_residual';
  /** Layer index, or null for embeddings, final norm and head. */
  layer: number | null;
}

export function layerPrefix(i: number): string {
  return `model.layers.${i}`;
}

/** The tensors of one decoder layer, in the order a reader meets them. */
export function layerWeightSpecs(c: LlamaConfig, i: number): WeightSpec[] {
  const d = c.hidden_size;
  const hd = headDim(c);
  const q = c.num_attention_heads * hd;
  const kv = c.num_key_value_heads * hd;
  const p = layerPrefix(i);
  const w = (name: string, shape: number[], axes: AxisKind[], init: WeightSpec['init']): WeightSpec =>
    ({ name: `${p}.${name}`, shape, axes, init, layer: i });
  return [
    w('input_layernorm.weight', [d], ['hidden'], 'ones'),
    w('self_attn.q_proj.weight', [q, d], ['q_heads', 'hidden'], 'normal'),
    w('self_attn.k_proj.weight', [kv, d], ['kv_heads', 'hidden'], 'normal'),
    w('self_attn.v_proj.weight', [kv, d], ['kv_heads', 'hidden'], 'normal'),
    w('self_attn.o_proj.weight', [d, q], ['hidden', 'q_heads'], 'normal_residual'),
    w('post_attention_layernorm.weight', [d], ['hidden'], 'ones'),
    w('mlp.gate_proj.weight', [c.intermediate_size, d], ['intermediate', 'hidden'], 'normal'),
    w('mlp.up_proj.weight', [c.intermediate_size, d], ['intermediate', 'hidden'], 'normal'),
    w('mlp.down_proj.weight', [d, c.intermediate_size], ['hidden', 'intermediate'], 'normal_residual'),
  ];
}

/** The tensors outside the decoder layers: the embedding, the final norm and an untied head. */
function outerWeightSpecs(c: LlamaConfig): { first: WeightSpec[]; last: WeightSpec[] } {
  return {
    first: [{ name: 'model.embed_tokens.weight', shape: [c.vocab_size, c.hidden_size], axes: ['vocab', 'hidden'], init: 'normal', layer: null }],
    last: [
      { name: 'model.norm.weight', shape: [c.hidden_size], axes: ['hidden'], init: 'ones', layer: null },
      ...(c.tie_word_embeddings ? [] : [{ name: 'lm_head.weight', shape: [c.vocab_size, c.hidden_size], axes: ['vocab', 'hidden'] as AxisKind[], init: 'normal' as const, layer: null }]),
    ],
  };
}

/** Every tensor of the model; lm_head.weight only when the head is untied. */
export function weightSpecs(c: LlamaConfig): WeightSpec[] {
  const { first, last } = outerWeightSpecs(c);
  const specs: WeightSpec[] = [...first];
  for (let i = 0; i < c.num_hidden_layers; i++) for (const s of layerWeightSpecs(c, i)) specs.push(s);
  return [...specs, ...last];
}

/** More parameters than this (8 GiB as float32) are past what any browser tab can hold. */
export const MAX_PARAMETERS = 2 ** 31;
/** More values than this in one tensor (1 GiB as float32) are past typed-array and GPU buffer limits. */
export const MAX_TENSOR_ELEMENTS = 2 ** 28;

/**
 * Refuses a config whose size cannot be held, from its shapes alone (one layer's specs times the
 * layer count), before anything is allocated: a 400-byte config.json with num_hidden_layers 1e8
 * or intermediate_size 2^31 crashed the tab or reached typed-array errors.
 */
export function checkModelSize(c: LlamaConfig): void {
  const { first, last } = outerWeightSpecs(c);
  const layer = layerWeightSpecs(c, 0);
  const largest = [...first, ...layer, ...last].reduce((m, s) => (numel(s.shape) > numel(m.shape) ? s : m));
  if (numel(largest.shape) > MAX_TENSOR_ELEMENTS) {
    throw new Error(`config gives ${largest.name.replace('layers.0.', 'layers.*.')} the shape [${largest.shape.join(', ')}], ${numel(largest.shape).toExponential(3)} values (${(4 * numel(largest.shape) / 2 ** 30).toFixed(1)} GiB as float32); one tensor may hold at most ${MAX_TENSOR_ELEMENTS.toExponential(3)} (1 GiB)`);
  }
  const total = [...first, ...last].reduce((a, s) => a + numel(s.shape), 0) + c.num_hidden_layers * layer.reduce((a, s) => a + numel(s.shape), 0);
  if (total > MAX_PARAMETERS) {
    throw new Error(`config implies ${total.toExponential(3)} parameters (${(4 * total / 2 ** 30).toFixed(1)} GiB as float32; num_hidden_layers ${c.num_hidden_layers}, hidden_size ${c.hidden_size}, intermediate_size ${c.intermediate_size}, vocab_size ${c.vocab_size}); the studio holds at most ${MAX_PARAMETERS.toExponential(3)} (8 GiB)`);
  }
}

export function numel(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export interface ParameterCounts {
  total: number;
  /** Token embedding plus an untied output head. */
  embedding: number;
  nonEmbedding: number;
}

export function countParameters(c: LlamaConfig): ParameterCounts {
  let total = 0;
  let embedding = 0;
  for (const s of weightSpecs(c)) {
    const n = numel(s.shape);
    total += n;
    if (s.axes[0] === 'vocab') embedding += n;
  }
  return { total, embedding, nonEmbedding: total - embedding };
}

/**
 * Training FLOPs per token (forward + backward) after Kaplan et al.: 6 x non-embedding
 * parameters plus the attention score term 6 x n_layer x seq_len x d_attn (QK^T and AV, each
 * 2 FLOPs per multiply-add, x3 for backward), plus the output head's 6 x d x vocab.
 */
export function trainingFlopsPerToken(c: LlamaConfig, seqLen: number): number {
  const { nonEmbedding } = countParameters(c);
  const dAttn = c.num_attention_heads * headDim(c);
  return 6 * nonEmbedding + 6 * c.num_hidden_layers * seqLen * dAttn + 6 * c.hidden_size * c.vocab_size;
}
