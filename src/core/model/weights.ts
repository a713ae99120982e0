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

/** Every tensor of the model; lm_head.weight only when the head is untied. */
export function weightSpecs(c: LlamaConfig): WeightSpec[] {
  const specs: WeightSpec[] = [
    { name: 'model.embed_tokens.weight', shape: [c.vocab_size, c.hidden_size], axes: ['vocab', 'hidden'], init: 'normal', layer: null },
  ];
  for (let i = 0; i < c.num_hidden_layers; i++) specs.push(...layerWeightSpecs(c, i));
  specs.push({ name: 'model.norm.weight', shape: [c.hidden_size], axes: ['hidden'], init: 'ones', layer: null });
  if (!c.tie_word_embeddings) {
    specs.push({ name: 'lm_head.weight', shape: [c.vocab_size, c.hidden_size], axes: ['vocab', 'hidden'], init: 'normal', layer: null });
  }
  return specs;
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
