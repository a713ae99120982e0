// A model folder with SmolLM2-135M's exact configuration and random weights, written by the
// benchmark itself: config.json as transformers writes SmolLM2's, model.safetensors (F32, the
// studio's own initialisation, streamed tensor by tensor), and a byte-level BPE tokenizer.json of
// 49,152 tokens (GPT-2's byte alphabet, three special tokens, merges drawn deterministically) with
// its tokenizer_config.json. Deterministic for a seed, so two runs import the same bytes.
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { LlamaConfig } from '../../src/core/model/config';
import { initialWeights } from '../../src/core/model/init';
import { encodeSafetensorsHeader } from '../../src/core/checkpoint/safetensors';
import { mulberry32 } from '../../src/core/rng';
import { bytesToUnicode } from '../../src/core/tokenizer/byte';

/** HuggingFaceTB/SmolLM2-135M's config.json, as the studio reads it (hfImport.ts configFromHf). */
export const SMOLLM2_135M_HF = {
  architectures: ['LlamaForCausalLM'],
  model_type: 'llama',
  hidden_size: 576,
  intermediate_size: 1536,
  num_hidden_layers: 30,
  num_attention_heads: 9,
  num_key_value_heads: 3,
  head_dim: 64,
  hidden_act: 'silu',
  max_position_embeddings: 8192,
  rms_norm_eps: 1e-5,
  rope_theta: 100000,
  rope_scaling: null,
  attention_bias: false,
  mlp_bias: false,
  pretraining_tp: 1,
  tie_word_embeddings: true,
  vocab_size: 49152,
  bos_token_id: 0,
  eos_token_id: 0,
  torch_dtype: 'float32',
  use_cache: true,
};

/** The same configuration as the studio's LlamaConfig. */
export const SMOLLM2_135M: LlamaConfig = {
  hidden_size: 576,
  intermediate_size: 1536,
  num_hidden_layers: 30,
  num_attention_heads: 9,
  num_key_value_heads: 3,
  rms_norm_eps: 1e-5,
  rope_theta: 100000,
  max_position_embeddings: 8192,
  vocab_size: 49152,
  tie_word_embeddings: true,
  hidden_act: 'silu',
  logit_scale: 1,
};

const SPECIAL_TOKENS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'];

/**
 * tokenizer.json of a byte-level BPE with `size` ids: the special tokens first (ids 0-2, as in
 * SmolLM2), the 256 byte symbols, then merges of two existing tokens into a new one, drawn with a
 * seeded generator from the letters, the space symbol (Ġ) and tokens made so far, so the merges
 * build words of English letters that the pre-tokenizer's word splits can reach.
 */
export function byteLevelBpe(size: number, seed = 1): { tokenizer: string; merges: number } {
  const bytes = bytesToUnicode();
  const vocab: Record<string, number> = {};
  const tokens: string[] = [];
  const add = (t: string) => {
    vocab[t] = SPECIAL_TOKENS.length + tokens.length;
    tokens.push(t);
  };
  for (const ch of bytes) add(ch);
  const letters = [...'etaoinshrdlcumwfgypbvkjxqz'];
  const space = bytes[32]; // Ġ
  const rand = mulberry32(seed);
  const merges: string[] = [];
  const pick = <T>(xs: T[], skew: number) => xs[Math.floor(Math.pow(rand(), skew) * xs.length)];
  // Words start as Ġ + letters; later merges join a grown token with a letter or another token.
  const starts: string[] = [];
  const grown: string[] = [];
  while (SPECIAL_TOKENS.length + tokens.length < size) {
    const r = rand();
    let a: string;
    let b: string;
    if (r < 0.15 || !grown.length) [a, b] = [rand() < 0.5 ? space : pick(letters, 1.5), pick(letters, 1.5)];
    else if (r < 0.75) [a, b] = [pick(grown, 0.7), pick(letters, 1.5)];
    else [a, b] = [pick(starts.length ? starts : grown, 0.8), pick(grown, 0.5)];
    if (b.startsWith(space) || a.length + b.length > 16) continue;
    const t = a + b;
    if (t in vocab) continue;
    add(t);
    merges.push(`${a} ${b}`);
    (t.startsWith(space) ? starts : grown).push(t);
  }
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab: { ...Object.fromEntries(SPECIAL_TOKENS.map((t, i) => [t, i])), ...vocab }, merges },
  };
  return { tokenizer: JSON.stringify(json), merges: merges.length };
}

export interface WrittenModel {
  dir: string;
  files: { name: string; bytes: number }[];
  parameters: number;
  merges: number;
}

/** Writes the folder; the safetensors one tensor at a time (never the whole 538 MB in one buffer). */
export function writeSmolLm2Folder(dir: string, seed = 0): WrittenModel {
  mkdirSync(dir, { recursive: true });
  const config = SMOLLM2_135M;
  const weights = initialWeights(config, seed);
  const entries = [...weights].map(([name, w]) => ({ name, shape: w.shape, dtype: 'F32' as const }));
  const head = encodeSafetensorsHeader(entries, { format: 'pt' });
  const fd = openSync(join(dir, 'model.safetensors'), 'w');
  let parameters = 0;
  try {
    writeSync(fd, head.bytes);
    for (const [, w] of weights) {
      writeSync(fd, new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength));
      parameters += w.data.length;
    }
  } finally {
    closeSync(fd);
  }
  const bpe = byteLevelBpe(config.vocab_size, seed + 1);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(SMOLLM2_135M_HF, null, 2));
  writeFileSync(join(dir, 'tokenizer.json'), bpe.tokenizer);
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ bos_token: '<|endoftext|>', eos_token: '<|endoftext|>', unk_token: '<|endoftext|>', model_max_length: 8192, tokenizer_class: 'GPT2Tokenizer' }, null, 2));
  const files = [
    { name: 'config.json', bytes: JSON.stringify(SMOLLM2_135M_HF, null, 2).length },
    { name: 'model.safetensors', bytes: head.bytes.length + head.dataBytes },
    { name: 'tokenizer.json', bytes: Buffer.byteLength(bpe.tokenizer) },
  ];
  return { dir, files, parameters, merges: bpe.merges };
}
