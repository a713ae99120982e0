// Row shards: the device-side layout of a weight larger than one GPU binding. WebGPU binds at most
// maxStorageBufferBindingSize bytes of a buffer to a kernel (128 MiB by default; SmolLM2-135M grown
// x2 has a 49152 x 1152 float32 embedding of 226 MB, a 128k vocabulary at d=2048 is 1 GB), so a
// token embedding or untied head over the limit is held as vocabulary slices named `name#0`,
// `name#1`, ... in the model's parameters: each slice is its own tensor (a variable while
// training, with its own gradient and AdamW moments). Checkpoints, exports and run states never
// see the layout: readTensors joins the slices on the CPU side into the one tensor of the
// architecture table, and loading splits that tensor's data again. llama.ts gathers the embedding
// and computes the head per slice.
import type * as tf from '@tensorflow/tfjs';
import type { NamedTensor } from '../checkpoint/safetensors';

const SEPARATOR = '#';
const F32 = 4;

/** Weights the forward pass can take in row shards: both have the vocabulary as their first axis. */
export const ROW_SHARDABLE = ['model.embed_tokens.weight', 'lm_head.weight'];

export function shardName(name: string, index: number): string {
  return `${name}${SEPARATOR}${index}`;
}

/** The architecture-table name and the shard index of a parameter name; index null when it is not a shard. */
export function parseShardName(name: string): { base: string; index: number | null } {
  const at = name.lastIndexOf(SEPARATOR);
  if (at < 0) return { base: name, index: null };
  const index = Number(name.slice(at + 1));
  if (!Number.isInteger(index) || index < 0) return { base: name, index: null };
  return { base: name.slice(0, at), index };
}

/**
 * Rows per shard of a [rows, cols] float32 tensor under a binding limit of `limitBytes`: one
 * entry when it fits, else as many full shards as needed (the last one holds the rest). Throws
 * when one row alone exceeds the limit: no row split helps then.
 */
export function rowShardSizes(rows: number, cols: number, limitBytes: number): number[] {
  const rowBytes = F32 * cols;
  if (rows * rowBytes <= limitBytes) return [rows];
  const perShard = Math.floor(limitBytes / rowBytes);
  if (perShard < 1) throw new Error(`one row of ${cols} float32 values (${rowBytes} bytes) exceeds the GPU binding limit of ${limitBytes} bytes; no split into row shards can bind it`);
  const sizes: number[] = [];
  for (let r = 0; r < rows; r += perShard) sizes.push(Math.min(perShard, rows - r));
  return sizes;
}

/** Whether `name` is split under `limitBytes` (undefined: no limit, nothing is split). */
function shardSizesFor(name: string, shape: number[], limitBytes: number | undefined): number[] | null {
  if (limitBytes === undefined || !ROW_SHARDABLE.includes(name) || shape.length !== 2) return null;
  const sizes = rowShardSizes(shape[0], shape[1], limitBytes);
  return sizes.length > 1 ? sizes : null;
}

/**
 * Makes the tensors of one weight from its data, in the layout the binding limit needs: the
 * weight itself, or its row shards (views of `data`, so nothing over the limit is ever one tensor).
 */
export function placeWeight(make: (data: Float32Array, shape: number[]) => tf.Tensor, name: string, data: Float32Array, shape: number[], limitBytes: number | undefined): [string, tf.Tensor][] {
  const sizes = shardSizesFor(name, shape, limitBytes);
  if (!sizes) return [[name, make(data, shape)]];
  const cols = shape[1];
  let row = 0;
  return sizes.map((rows, i) => {
    const slice = data.subarray(row * cols, (row + rows) * cols);
    row += rows;
    return [shardName(name, i), make(slice, [rows, cols])];
  });
}

/**
 * The parameters of a model in the layout of `limitBytes`: tensors already placed are kept, a
 * shardable weight over the limit is replaced by row shards read from its data (the caller owns
 * and disposes the tensors it passed in). For tensors that already fit one buffer (tests, a model
 * built on the CPU backend).
 */
export function shardParams(make: (data: Float32Array, shape: number[]) => tf.Tensor, params: Record<string, tf.Tensor>, limitBytes: number | undefined): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [name, t] of Object.entries(params)) {
    if (!shardSizesFor(name, t.shape, limitBytes)) out[name] = t;
    else for (const [n, s] of placeWeight(make, name, t.dataSync() as Float32Array, t.shape, limitBytes)) out[n] = s;
  }
  return out;
}

/** The tensors that hold weight `name` in `params`, in row order: the weight itself or its shards. */
export function rowShardsOf(params: Record<string, tf.Tensor>, name: string): tf.Tensor2D[] {
  if (params[name]) return [params[name] as tf.Tensor2D];
  const shards: tf.Tensor2D[] = [];
  for (let i = 0; params[shardName(name, i)]; i++) shards.push(params[shardName(name, i)] as tf.Tensor2D);
  if (!shards.length) throw new Error(`the model has no ${name} (neither the tensor nor its row shards ${shardName(name, 0)}, ...)`);
  return shards;
}

/** Joins row shards (named `base#i`, after any prefix) into one tensor per weight, on the CPU; other tensors pass through. */
export function joinShards(named: NamedTensor[]): NamedTensor[] {
  const out: NamedTensor[] = [];
  const groups = new Map<string, NamedTensor[]>();
  for (const t of named) {
    const { base, index } = parseShardName(t.name);
    if (index === null) {
      out.push(t);
      continue;
    }
    if (!groups.has(base)) {
      groups.set(base, []);
      out.push({ name: base, shape: [], data: new Float32Array(0) }); // keeps the weight's place in the order
    }
    groups.get(base)![index] = t;
  }
  return out.map((t) => {
    const shards = groups.get(t.name);
    if (!shards || t.shape.length) return t;
    const cols = shards[0].shape[1];
    const rows = shards.reduce((a, s) => a + s.shape[0], 0);
    const data = new Float32Array(rows * cols);
    let at = 0;
    for (const s of shards) {
      data.set(s.data, at);
      at += s.data.length;
    }
    return { name: t.name, shape: [rows, cols], data };
  });
}

/**
 * Named CPU tensors (one per weight, as stored) in the layout of `like` (a model's parameters or
 * its optimizer state): a weight `like` holds as shards is cut into the same row slices.
 */
export function splitLike(named: NamedTensor[], like: Record<string, tf.Tensor>, prefix = ''): NamedTensor[] {
  const out: NamedTensor[] = [];
  for (const t of named) {
    const name = t.name.slice(prefix.length);
    if (like[name] || !like[shardName(name, 0)]) {
      out.push(t);
      continue;
    }
    const cols = t.shape[1];
    let row = 0;
    for (let i = 0; like[shardName(name, i)]; i++) {
      const rows = like[shardName(name, i)].shape[0];
      out.push({ name: prefix + shardName(name, i), shape: [rows, cols], data: t.data.subarray(row * cols, (row + rows) * cols) as Float32Array });
      row += rows;
    }
  }
  return out;
}
