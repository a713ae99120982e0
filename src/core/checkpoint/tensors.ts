// Model parameters <-> safetensors bytes, checked against the architecture table: a blob that
// lacks a tensor, has an extra one or a wrong shape is refused with the list of differences.
import * as tf from '@tensorflow/tfjs';
import type { LlamaConfig } from '../model/config';
import type { ModelParams } from '../model/llama';
import { weightSpecs } from '../model/weights';
import type { NamedTensor } from './safetensors';
import { decodeSafetensors, encodeSafetensors } from './safetensors';
import { joinShards } from '../model/shards';

/**
 * Reads tensors back from the backend (awaiting the GPU) into named F32 arrays, one per weight of
 * the architecture table: a weight held in row shards (model/shards.ts) is joined here, on the CPU,
 * so checkpoints, exports and run states hold it as the one tensor they always had.
 */
export async function readTensors(tensors: Record<string, tf.Tensor>, prefix = ''): Promise<NamedTensor[]> {
  const out: NamedTensor[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    out.push({ name: prefix + name, shape: t.shape.slice(), data: (await t.data()) as Float32Array });
  }
  return joinShards(out);
}

export async function encodeParams(params: ModelParams, metadata: Record<string, string> = {}): Promise<Uint8Array> {
  return encodeSafetensors(await readTensors(params), { format: 'pt', ...metadata });
}

/** Checks decoded tensors against the config's architecture table; throws listing every problem. */
export function checkAgainstConfig(tensors: NamedTensor[], config: LlamaConfig, source: string): void {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const problems: string[] = [];
  const expected = weightSpecs(config);
  for (const s of expected) {
    const t = byName.get(s.name);
    if (!t) problems.push(`missing ${s.name}`);
    else if (t.shape.join(',') !== s.shape.join(',')) problems.push(`${s.name} has shape [${t.shape}], config needs [${s.shape}]`);
  }
  const known = new Set(expected.map((s) => s.name));
  for (const t of tensors) if (!known.has(t.name)) problems.push(`unexpected ${t.name}`);
  if (problems.length) throw new Error(`${source} does not match its config: ${problems.slice(0, 8).join('; ')}${problems.length > 8 ? `; and ${problems.length - 8} more` : ''}`);
}

/** Decodes model tensors from safetensors bytes; names with `keepPrefix` are returned apart. */
export function decodeParams(bytes: Uint8Array, config: LlamaConfig, source: string, extraPrefixes: string[] = []): { params: NamedTensor[]; extra: NamedTensor[]; metadata: Record<string, string> } {
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  const isExtra = (n: string) => extraPrefixes.some((p) => n.startsWith(p));
  const params = tensors.filter((t) => !isExtra(t.name));
  checkAgainstConfig(params, config, source);
  return { params, extra: tensors.filter((t) => isExtra(t.name)), metadata };
}

export function toTfTensors(named: NamedTensor[], stripPrefix = ''): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const t of named) out[t.name.slice(stripPrefix.length)] = tf.tensor(t.data, t.shape, t.data instanceof Int32Array ? 'int32' : 'float32');
  return out;
}
