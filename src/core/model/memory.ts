// What a config costs before it exists: parameters, float32 weights, an estimate of the memory a
// training step holds (weights, gradients, AdamW's two moments, and the activations autograd keeps
// for a batch × seq), the bytes its checkpoint takes in IndexedDB, and which of these the device
// cannot hold. Pure arithmetic over the architecture table (weights.ts), for the Create form.
import type { LlamaConfig } from './config';
import { headDim } from './config';
import { countParameters, type DeviceLimits, numel, weightSpecs } from './weights';
import { ROW_SHARDABLE, rowShardSizes } from './shards';

const F32 = 4;

/**
 * Without navigator.deviceMemory, the memory a training step is measured against: what a
 * browser tab can commonly hold before the browser kills it (Chromium's renderer heap and a
 * GPU's share for one tab are both of this order). Stated in the preview so the user knows
 * which number a warning compares against.
 */
export const DEFAULT_MEMORY_BUDGET_BYTES = 4 * 2 ** 30;

export interface MemoryEstimate {
  /** The config estimated (what splitCount needs of it: vocabulary and hidden size). */
  config: LlamaConfig;
  parameters: number;
  /** The weights as float32. */
  weightsBytes: number;
  /** The checkpoint as stored: a safetensors blob of float32 tensors and its JSON header. */
  storedBytes: number;
  /** The largest single GPU buffer a training step needs: a weight, the logits or the attention scores. */
  largestBuffer: GpuBuffer;
  /** The candidates for the largest buffer, each with how the studio splits it over a binding limit. */
  buffers: GpuBuffer[];
  training: {
    batchSize: number;
    seqLen: number;
    weights: number;
    gradients: number;
    /** AdamW's first and second moments, one float32 each per parameter. */
    optimizer: number;
    /** Activations autograd keeps for the backward pass; an estimate (see activationFloats). */
    activations: number;
    total: number;
  };
}

/**
 * Floats autograd keeps for one step of B sequences of T tokens, counted from llama.ts's forward
 * pass: per layer and token the two norm inputs and outputs (4d), q, k, v and the attention
 * output (2·q + 2·kv), the o_proj output (d), gate, up, their SiLU product and its input (4·I),
 * the down output (d); per layer and sequence the attention scores and probabilities (2·H·T·T);
 * and the logits with their softmax (2·V per token). An estimate: kernels may fuse or recompute.
 */
export function activationFloats(c: LlamaConfig, batchSize: number, seqLen: number): number {
  const d = c.hidden_size;
  const q = c.num_attention_heads * headDim(c);
  const kv = c.num_key_value_heads * headDim(c);
  const perTokenLayer = 6 * d + 2 * q + 2 * kv + 4 * c.intermediate_size;
  const perSeqLayer = 2 * c.num_attention_heads * seqLen * seqLen;
  const tokens = batchSize * seqLen;
  return c.num_hidden_layers * (tokens * perTokenLayer + batchSize * perSeqLayer) + tokens * (2 * c.vocab_size + d);
}

/** The safetensors header the checkpoint is written with: 8 bytes of length, then JSON padded to 8. */
function safetensorsHeaderBytes(c: LlamaConfig): number {
  let offset = 0;
  const header: Record<string, unknown> = {};
  for (const s of weightSpecs(c)) {
    const bytes = F32 * numel(s.shape);
    header[s.name] = { dtype: 'F32', shape: s.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = JSON.stringify(header).length;
  return 8 + Math.ceil(json / 8) * 8;
}

/**
 * A buffer a step needs, and how it is split when it exceeds the binding limit: 'rows', a weight
 * held in row shards (shards.ts: the embedding and an untied head); 'positions', the logits,
 * computed in tiles of positions through the head (llama.ts targetLogProbs); null, not split.
 */
export interface GpuBuffer {
  name: string;
  shape: number[];
  bytes: number;
  split: 'rows' | 'positions' | null;
}

/**
 * How many buffers `b` becomes under a binding limit of `limitBytes` (1 when it fits), or null
 * when it is not split or cannot be (one row over the limit). Follows shards.ts and llama.ts:
 * rows per shard of the head are floor(limit / (4 d)); a tile holds floor(limit / (4 x rows per
 * shard)) positions of one shard's logits.
 */
export function splitCount(b: GpuBuffer, c: LlamaConfig, limitBytes: number): number | null {
  if (b.bytes <= limitBytes) return 1;
  if (b.split === 'rows') return 4 * b.shape[1] <= limitBytes ? rowShardSizes(b.shape[0], b.shape[1], limitBytes).length : null;
  if (b.split === 'positions') {
    const shardRows = Math.min(c.vocab_size, Math.floor(limitBytes / (F32 * c.hidden_size)));
    if (shardRows < 1) return null;
    const positions = b.shape[0] * b.shape[1];
    return Math.ceil(positions / Math.max(1, Math.floor(limitBytes / (F32 * shardRows)))) * Math.ceil(c.vocab_size / shardRows);
  }
  return null;
}

export function estimateMemory(c: LlamaConfig, batchSize: number, seqLen: number): MemoryEstimate {
  const parameters = countParameters(c).total;
  const weightsBytes = F32 * parameters;
  // The largest weight not split, the vocabulary weights (the embedding; an untied head has its
  // shape), the logits and the attention scores.
  const whole = weightSpecs(c).filter((s) => !ROW_SHARDABLE.includes(s.name)).reduce((m, s) => (numel(s.shape) > numel(m.shape) ? s : m));
  const buffers: GpuBuffer[] = ([
    { name: whole.name.replace(/layers\.\d+\./, 'layers.*.'), shape: whole.shape, split: null },
    { name: 'model.embed_tokens.weight', shape: [c.vocab_size, c.hidden_size], split: 'rows' },
    { name: 'logits', shape: [batchSize, seqLen, c.vocab_size], split: 'positions' },
    { name: 'attention scores', shape: [batchSize, c.num_attention_heads, seqLen, seqLen], split: null },
  ] as const).map((b) => ({ ...b, shape: [...b.shape], bytes: F32 * numel([...b.shape]) }));
  const largestBuffer = buffers.reduce((m, b) => (b.bytes > m.bytes ? b : m));
  const activations = F32 * activationFloats(c, batchSize, seqLen);
  return {
    config: c,
    parameters,
    weightsBytes,
    storedBytes: weightsBytes + safetensorsHeaderBytes(c),
    largestBuffer,
    buffers,
    training: { batchSize, seqLen, weights: weightsBytes, gradients: weightsBytes, optimizer: 2 * weightsBytes, activations, total: 4 * weightsBytes + activations },
  };
}

export interface MemoryWarning {
  /** 'split': not a problem, a buffer over the binding limit the studio splits (said so the user knows why it fits). */
  what: 'buffer' | 'split' | 'training' | 'storage';
  message: string;
}

/** Bytes in decimal MB or GB, as the studio shows sizes and browsers report storage quotas. */
export const size = (bytes: number): string => (bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 1)} MB`);

/** The budget a training step is compared against, and where it comes from. */
export function memoryBudget(limits: DeviceLimits): { bytes: number; source: string } {
  return limits.memoryBytes !== undefined
    ? { bytes: limits.memoryBytes, source: "this device's memory (navigator.deviceMemory)" }
    : { bytes: DEFAULT_MEMORY_BUDGET_BYTES, source: 'the studio\'s budget for one browser tab (the device does not say its memory)' };
}

/**
 * What this device cannot hold of the estimate: each large buffer against the GPU's maxBufferSize
 * and maxStorageBufferBindingSize (a buffer the studio splits is reported as split into N, what:
 * 'split', not as a buffer that does not fit), the training total against memoryBudget,
 * the checkpoint against the storage left. Empty when everything fits or the device says nothing.
 */
export function memoryWarnings(e: MemoryEstimate, limits: DeviceLimits): MemoryWarning[] {
  const out: MemoryWarning[] = [];
  const gpu = [
    limits.maxBufferBytes !== undefined ? { bytes: limits.maxBufferBytes, name: 'maxBufferSize' } : undefined,
    limits.maxBindingBytes !== undefined ? { bytes: limits.maxBindingBytes, name: 'maxStorageBufferBindingSize' } : undefined,
  ].filter((x): x is { bytes: number; name: string } => !!x);
  if (gpu.length) {
    const tightest = gpu.reduce((m, x) => (x.bytes < m.bytes ? x : m));
    const over = e.buffers.filter((b) => b.bytes > tightest.bytes).sort((a, b) => b.bytes - a.bytes);
    const split = over.map((b) => ({ b, n: splitCount(b, e.config, tightest.bytes) }));
    const notSplit = split.filter((x) => x.n === null);
    if (notSplit.length) {
      const b = notSplit[0].b;
      out.push({ what: 'buffer', message: `${b.name} [${b.shape.join(', ')}] needs one ${size(b.bytes)} GPU buffer; this GPU allows at most ${size(tightest.bytes)} (${tightest.name})` });
    }
    const splitOnes = split.filter((x) => x.n !== null);
    if (splitOnes.length) {
      const parts = splitOnes.map(({ b, n }) => `${b.name} [${b.shape.join(', ')}] (${size(b.bytes)}) is split into ${n} ${b.split === 'rows' ? 'row shards' : 'tiles of positions and vocabulary'}`);
      out.push({ what: 'split', message: `over this GPU's ${size(tightest.bytes)} binding limit (${tightest.name}): ${parts.join('; ')}` });
    }
  }
  const budget = memoryBudget(limits);
  if (e.training.total > budget.bytes) {
    out.push({ what: 'training', message: `training at batch ${e.training.batchSize} × seq ${e.training.seqLen} needs about ${size(e.training.total)}, more than ${size(budget.bytes)}, ${budget.source}` });
  }
  if (limits.storageFreeBytes !== undefined && e.storedBytes > limits.storageFreeBytes) {
    out.push({ what: 'storage', message: `the checkpoint takes ${size(e.storedBytes)}, but the browser estimates only ${size(limits.storageFreeBytes)} of storage left` });
  }
  return out;
}
