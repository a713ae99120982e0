// The architecture table: every tensor of a Llama model by its Hugging Face name, with its shape
// ([out, in] for linear layers) and what each axis is. Growth tiles along these axes, merging
// pairs tensors by these names, safetensors export writes them as they are.
import type { LlamaConfig } from './config';
import { headDim } from './config';
import { ROW_SHARDABLE } from './shards';

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

/** What the device this tab runs on can hold; any field may be unknown. */
export interface DeviceLimits {
  /** The GPU's largest buffer one kernel may bind (maxStorageBufferBindingSize), on WebGPU only. */
  maxBindingBytes?: number;
  /** The GPU's largest buffer (maxBufferSize), on WebGPU only. */
  maxBufferBytes?: number;
  /** navigator.deviceMemory in bytes (browsers round it down and cap it at 8 GiB). */
  memoryBytes?: number;
  /** The storage quota left, as the browser estimates it. */
  storageFreeBytes?: number;
}

const gib = (bytes: number): string => (bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`);

/**
 * Refuses a model this device cannot hold, with the numbers: its largest tensor held whole (the
 * embedding and head are split into row shards, so only their rows count) against the GPU's binding limit, its float32 weights against the device's memory, and the checkpoint it
 * would store against the storage left. checkModelSize's static bounds apply on every device;
 * these apply where the device says what it has.
 */
export function checkFitsDevice(c: LlamaConfig, limits: DeviceLimits, what = 'the model'): void {
  const { first, last } = outerWeightSpecs(c);
  const layer = layerWeightSpecs(c, 0);
  // The embedding and an untied head are held in row shards over the limit (shards.ts): only one of their rows must bind.
  const whole = [...first, ...layer, ...last].map((s) => (ROW_SHARDABLE.includes(s.name) ? { ...s, name: `one row of ${s.name}`, shape: [s.shape[1]] } : s));
  const largest = whole.reduce((m, s) => (numel(s.shape) > numel(m.shape) ? s : m));
  const largestBytes = 4 * numel(largest.shape);
  if (limits.maxBindingBytes !== undefined && largestBytes > limits.maxBindingBytes) {
    throw new Error(`${what} needs ${largest.name.replace('layers.0.', 'layers.*.')} [${largest.shape.join(', ')}] as one ${gib(largestBytes)} GPU buffer; this GPU binds at most ${gib(limits.maxBindingBytes)} (maxStorageBufferBindingSize). Use a smaller vocab_size or hidden_size, or the CPU backend`);
  }
  const bytes = 4 * countParameters(c).total;
  if (limits.memoryBytes !== undefined && bytes > limits.memoryBytes) {
    throw new Error(`${what} has ${countParameters(c).total.toExponential(3)} parameters, ${gib(bytes)} as float32, more than this device's ${gib(limits.memoryBytes)} of memory (navigator.deviceMemory)`);
  }
  if (limits.storageFreeBytes !== undefined && bytes > limits.storageFreeBytes) {
    throw new Error(`${what} would be stored as a ${gib(bytes)} checkpoint, but the browser estimates only ${gib(limits.storageFreeBytes)} of storage left; delete checkpoints or runs you no longer need first`);
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
