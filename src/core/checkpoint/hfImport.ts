// Import of Hugging Face Llama-family checkpoints from local files: config.json mapped onto
// LlamaConfig, one model.safetensors or shards with model.safetensors.index.json, F32/F16/BF16.
// Everything is checked from headers before a single tensor is read, and tensors are then read
// one slice at a time, so a 135M-parameter file never sits in memory whole. Every message names
// the file and the problem.
import type { LlamaConfig } from '../model/config';
import { validateConfig } from '../model/config';
import { weightSpecs } from '../model/weights';
import type { SafetensorsDtype } from './safetensors';
import { countNonFinite, decodeTensorData, encodeSafetensorsHeader, readSafetensorsHeader } from './safetensors';
import { checkAgainstConfig } from './tensors';
import { parseJsonObject } from '../jsonFile';

export const SUPPORTED_ARCHITECTURES = ['LlamaForCausalLM', 'MistralForCausalLM'];

type Json = Record<string, unknown>;

export interface HfConfigImport {
  config: LlamaConfig;
  architecture: string;
  /** Special ids config.json declares (used when tokenizer_config.json names none). */
  specialIds: { bos?: number; eos?: number; pad?: number };
  notes: string[];
}

function firstId(v: unknown): number | undefined {
  const x = Array.isArray(v) ? v[0] : v;
  return Number.isInteger(x) ? (x as number) : undefined;
}

/** Maps transformers' LlamaConfig / MistralConfig onto ours; refuses what the model cannot run. */
export function configFromHf(text: string, fileName = 'config.json'): HfConfigImport {
  const c = parseJsonObject(text, fileName);
  const archs = Array.isArray(c.architectures) ? (c.architectures as unknown[]).map(String) : [];
  const architecture = archs.find((a) => SUPPORTED_ARCHITECTURES.includes(a));
  if (!architecture) {
    throw new Error(`${fileName}: architectures ${JSON.stringify(c.architectures ?? null)} is not supported; supported: ${SUPPORTED_ARCHITECTURES.join(', ')}`);
  }
  const refuse = (field: string, why: string) => {
    throw new Error(`${fileName}: ${field} ${JSON.stringify(c[field])} is not supported; ${why}`);
  };
  if (c.attention_bias === true) refuse('attention_bias', 'the studio\'s attention projections have no bias (false)');
  if (c.mlp_bias === true) refuse('mlp_bias', 'the studio\'s MLP has no bias (false)');
  if (c.rope_scaling !== undefined && c.rope_scaling !== null) {
    const type = (c.rope_scaling as Json).rope_type ?? (c.rope_scaling as Json).type;
    if (type !== 'default') refuse('rope_scaling', 'the studio implements plain RoPE (rope_scaling null)');
  }
  const act = c.hidden_act ?? 'silu';
  if (act !== 'silu' && act !== 'gelu') refuse('hidden_act', "allowed: 'silu', 'gelu'");
  if (c.pretraining_tp !== undefined && c.pretraining_tp !== 1) refuse('pretraining_tp', 'allowed: 1');
  const notes: string[] = [];
  let maxPositions = (c.max_position_embeddings as number | undefined) ?? 2048;
  const window = c.sliding_window;
  if (typeof window === 'number' && window < maxPositions) {
    // Within the window, sliding-window attention is ordinary causal attention.
    notes.push(`sliding_window ${window}: sequences are limited to ${window} tokens, where attention is exactly causal`);
    maxPositions = window;
  }
  const heads = c.num_attention_heads;
  const candidate: Json = {
    hidden_size: c.hidden_size,
    intermediate_size: c.intermediate_size,
    num_hidden_layers: c.num_hidden_layers,
    num_attention_heads: heads,
    num_key_value_heads: c.num_key_value_heads ?? heads,
    rms_norm_eps: c.rms_norm_eps ?? 1e-6,
    rope_theta: c.rope_theta ?? 10000,
    max_position_embeddings: maxPositions,
    vocab_size: c.vocab_size,
    tie_word_embeddings: c.tie_word_embeddings ?? false,
    hidden_act: act,
    logit_scale: c.studio_logit_scale ?? 1,
  };
  let config: LlamaConfig;
  try {
    config = validateConfig(candidate);
  } catch (e) {
    throw new Error(`${fileName}: ${(e as Error).message}`);
  }
  if (c.head_dim !== undefined && c.head_dim !== null && c.head_dim !== config.hidden_size / config.num_attention_heads) {
    refuse('head_dim', `the studio needs head_dim = hidden_size / num_attention_heads = ${config.hidden_size / config.num_attention_heads}`);
  }
  if (c.studio_logit_scale !== undefined) notes.push(`studio_logit_scale ${config.logit_scale} restored as the logit scale`);
  return { config, architecture, specialIds: { bos: firstId(c.bos_token_id), eos: firstId(c.eos_token_id), pad: firstId(c.pad_token_id) }, notes };
}

export interface ImportSource {
  name: string;
  blob: Blob;
}

/** One tensor to import: where its bytes are and what they are. */
export interface ImportTensor {
  name: string;
  shape: number[];
  dtype: SafetensorsDtype;
  source: ImportSource;
  /** Absolute byte range in the source file. */
  begin: number;
  end: number;
}

export interface WeightsPlan {
  tensors: ImportTensor[];
  /** Tensors in the files the model does not use (a tied lm_head, rotary caches), said why. */
  skipped: string[];
  dtypes: SafetensorsDtype[];
  /** Bytes the model's tensors take in the files. */
  sourceBytes: number;
}

async function readHeader(src: ImportSource) {
  const lenBytes = new Uint8Array(await src.blob.slice(0, 8).arrayBuffer());
  if (lenBytes.length < 8) throw new Error(`${src.name}: too short to be a safetensors file (${src.blob.size} bytes)`);
  const headerLen = Number(new DataView(lenBytes.buffer).getBigUint64(0, true));
  if (headerLen <= 0 || 8 + headerLen > src.blob.size) throw new Error(`${src.name}: header length ${headerLen} is larger than the file (${src.blob.size} bytes); the file is truncated or not safetensors`);
  const head = new Uint8Array(await src.blob.slice(0, 8 + headerLen).arrayBuffer());
  return readSafetensorsHeader(head, src.name, src.blob.size);
}

/**
 * Reads every header (and the shard index, when there are several files), maps tensors to the
 * config's architecture table and checks names and shapes. Nothing is read beyond the headers.
 */
export async function planWeights(sources: ImportSource[], indexText: string | undefined, config: LlamaConfig, indexName = 'model.safetensors.index.json'): Promise<WeightsPlan> {
  if (!sources.length) throw new Error('no .safetensors file among the files; choose model.safetensors or its shards');
  let weightMap: Record<string, string> | undefined;
  if (indexText !== undefined) {
    const wm = parseJsonObject(indexText, indexName).weight_map;
    if (typeof wm !== 'object' || wm === null || Array.isArray(wm)) throw new Error(`${indexName} has no weight_map object`);
    weightMap = wm as Record<string, string>;
    const named = new Set(Object.values(weightMap));
    for (const file of named) if (!sources.some((s) => s.name === file)) throw new Error(`${indexName} names ${file}, which is not among the files; choose every shard`);
    sources = sources.filter((s) => named.has(s.name));
  } else if (sources.length > 1) {
    throw new Error(`${sources.length} safetensors files (${sources.map((s) => s.name).join(', ')}) need ${indexName} to say which tensor is where`);
  }
  const found = new Map<string, ImportTensor>();
  for (const src of sources) {
    const h = await readHeader(src);
    for (const t of h.tensors) {
      if (weightMap && weightMap[t.name] !== src.name) {
        if (!(t.name in weightMap)) throw new Error(`${src.name} holds ${t.name}, which ${indexName} does not list`);
        continue; // the index assigns it to another shard
      }
      if (found.has(t.name)) throw new Error(`${t.name} appears in both ${found.get(t.name)!.source.name} and ${src.name}`);
      if (t.dtype === 'I32') throw new Error(`${src.name}: tensor ${t.name} is I32; model weights must be F32, F16 or BF16`);
      found.set(t.name, { name: t.name, shape: t.shape, dtype: t.dtype, source: src, begin: h.dataStart + t.begin, end: h.dataStart + t.end });
    }
  }
  if (weightMap) for (const [name, file] of Object.entries(weightMap)) if (!found.has(name)) throw new Error(`${indexName} places ${name} in ${file}, whose header does not hold it`);
  const skipped: string[] = [];
  for (const name of [...found.keys()]) {
    if (name.endsWith('.rotary_emb.inv_freq')) skipped.push(`${name} (RoPE frequencies are computed, not stored)`);
    else if (name === 'lm_head.weight' && config.tie_word_embeddings) skipped.push('lm_head.weight (tie_word_embeddings: the head is model.embed_tokens.weight)');
    else continue;
    found.delete(name);
  }
  const files = sources.length === 1 ? sources[0].name : `the ${sources.length} shards`;
  checkAgainstConfig([...found.values()].map((t) => ({ name: t.name, shape: t.shape, data: new Float32Array(0) })), config, files);
  const tensors = weightSpecs(config).map((s) => found.get(s.name)!);
  return { tensors, skipped, dtypes: [...new Set(tensors.map((t) => t.dtype))], sourceBytes: tensors.reduce((a, t) => a + t.end - t.begin, 0) };
}

/** The dtype an import keeping its file's dtype stores: the file's, when every tensor is F16 or every one BF16. */
export function keepableDtype(plan: WeightsPlan): 'F16' | 'BF16' | undefined {
  const [only, ...more] = plan.dtypes;
  return !more.length && (only === 'F16' || only === 'BF16') ? only : undefined;
}

/**
 * Reads the planned tensors one at a time, hands each (as F32) to `onTensor` (the engine uploads
 * it to the GPU there) and returns the studio's safetensors as a Blob built piece by piece: F32,
 * or with `keepDtype` the file's own F16/BF16 bytes (half the storage, nothing rounded) where
 * keepableDtype allows.
 */
export async function readPlannedWeights(
  plan: WeightsPlan,
  onTensor: (name: string, shape: number[], data: Float32Array) => void | Promise<void>,
  onProgress?: (bytesRead: number, totalBytes: number) => void,
  keepDtype = false,
): Promise<Blob> {
  const kept = keepDtype ? keepableDtype(plan) : undefined;
  const head = encodeSafetensorsHeader(plan.tensors.map((t) => ({ name: t.name, shape: t.shape, dtype: kept ?? ('F32' as const) })), { format: 'pt' });
  let blob = new Blob([head.bytes as Uint8Array<ArrayBuffer>]);
  let read = 0;
  for (const t of plan.tensors) {
    const raw = new Uint8Array(await t.source.blob.slice(t.begin, t.end).arrayBuffer());
    if (raw.byteLength !== t.end - t.begin) throw new Error(`${t.source.name}: ${t.name} ends past the end of the file; the file is truncated`);
    const data = decodeTensorData(raw, t.dtype) as Float32Array;
    // NaN or ±Inf in any weight makes every score NaN: refuse before anything is stored.
    const bad = countNonFinite(data);
    if (bad) throw new Error(`${t.source.name}: tensor ${t.name} holds ${bad} non-finite value(s) (NaN or ±Inf) among its ${data.length}; a model must have finite weights`);
    await onTensor(t.name, t.shape, data);
    // Composing Blobs lets the browser keep the growing file out of the JS heap.
    blob = new Blob([blob, (kept ? raw : data) as Uint8Array<ArrayBuffer>]);
    read += raw.byteLength;
    onProgress?.(read, plan.sourceBytes);
  }
  return blob;
}

export interface ImportFileSet {
  config?: ImportSource;
  index?: ImportSource;
  tokenizer?: ImportSource;
  tokenizerConfig?: ImportSource;
  studio?: ImportSource;
  safetensors: ImportSource[];
  /** Files the import does not use (generation_config.json, README.md, ...). */
  ignored: string[];
}

/** Sorts chosen files by role; names may carry a folder path (a dropped directory). */
export function classifyImportFiles(files: ImportSource[]): ImportFileSet {
  const set: ImportFileSet = { safetensors: [], ignored: [] };
  const roles: Record<string, keyof Omit<ImportFileSet, 'safetensors' | 'ignored'>> = {
    'config.json': 'config',
    'model.safetensors.index.json': 'index',
    'tokenizer.json': 'tokenizer',
    'tokenizer_config.json': 'tokenizerConfig',
    'studio.json': 'studio',
  };
  for (const f of files) {
    const name = f.name.split(/[\\/]/).pop()!;
    const file = { name, blob: f.blob };
    const role = roles[name];
    if (role) {
      if (set[role]) throw new Error(`two files named ${name}; choose one model's files at a time`);
      set[role] = file;
    } else if (name.endsWith('.safetensors')) set.safetensors.push(file);
    else set.ignored.push(name);
  }
  set.safetensors.sort((a, b) => a.name.localeCompare(b.name));
  return set;
}
