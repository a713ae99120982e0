// Export in the formats the field uses: model.safetensors (Hugging Face names and [out, in]
// layouts, F32 or F16/BF16), a config.json transformers' LlamaForCausalLM loads, the byte-level
// tokenizer as tokenizer.json + tokenizer_config.json, and studio.json with the lineage.
import type { LlamaConfig } from '../model/config';
import { headDim } from '../model/config';
import type { CheckpointManifest } from './manifest';
import { decodeSafetensors, encodeSafetensors } from './safetensors';

export type ExportDtype = 'F32' | 'F16' | 'BF16';
export const EXPORT_DTYPES: ExportDtype[] = ['F32', 'F16', 'BF16'];
const TORCH_DTYPE: Record<ExportDtype, string> = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' };

/**
 * transformers' LlamaConfig. A logit scale other than 1 (a HyperCloned tied head) has no
 * transformers field: it is kept as studio_logit_scale, and loading the file in transformers
 * gives logits that many times too large (the same argmax, a sharper distribution).
 */
export function hfConfigJson(c: LlamaConfig, dtype: ExportDtype): Record<string, unknown> {
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_size: c.hidden_size,
    intermediate_size: c.intermediate_size,
    num_hidden_layers: c.num_hidden_layers,
    num_attention_heads: c.num_attention_heads,
    num_key_value_heads: c.num_key_value_heads,
    head_dim: headDim(c),
    hidden_act: c.hidden_act,
    rms_norm_eps: c.rms_norm_eps,
    rope_theta: c.rope_theta,
    rope_scaling: null,
    max_position_embeddings: c.max_position_embeddings,
    vocab_size: c.vocab_size,
    tie_word_embeddings: c.tie_word_embeddings,
    attention_bias: false,
    attention_dropout: 0,
    mlp_bias: false,
    pretraining_tp: 1,
    initializer_range: 0.02,
    use_cache: true,
    bos_token_id: 256,
    eos_token_id: 257,
    pad_token_id: 258,
    torch_dtype: TORCH_DTYPE[dtype],
    ...(c.logit_scale !== 1 ? { studio_logit_scale: c.logit_scale } : {}),
  };
}

/** GPT-2's byte -> printable character map, which byte-level tokenizers use for their vocabulary. */
export function bytesToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const map: string[] = new Array(256);
  let n = 0;
  for (let b = 0; b < 256; b++) map[b] = String.fromCodePoint(printable.includes(b) ? b : 256 + n++);
  return map;
}

/** The studio's byte tokenizer as a Hugging Face tokenizers file: byte-level BPE with no merges. */
export function byteTokenizerJson(): Record<string, unknown> {
  const chars = bytesToUnicode();
  const vocab = Object.fromEntries(chars.map((ch, b) => [ch, b]));
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(256, '<s>'), special(257, '</s>'), special(258, '<pad>')],
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { '<s>': { id: '<s>', ids: [256], tokens: ['<s>'] } },
    },
    decoder: byteLevel,
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges: [] },
  };
}

export interface ExportFile {
  name: string;
  bytes: Uint8Array;
}

const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v, null, 2) + '\n');

export function exportCheckpointFiles(m: CheckpointManifest, safetensors: Uint8Array, dtype: ExportDtype): ExportFile[] {
  if (!EXPORT_DTYPES.includes(dtype)) throw new Error(`dtype must be one of ${EXPORT_DTYPES.join(', ')}, got ${JSON.stringify(dtype)}`);
  const { tensors } = decodeSafetensors(safetensors, m.name);
  const { tensorsKey: _k, bytes: _b, ...studio } = m;
  return [
    { name: 'model.safetensors', bytes: encodeSafetensors(tensors.map((t) => ({ name: t.name, shape: t.shape, data: t.data })), { format: 'pt' }, dtype) },
    { name: 'config.json', bytes: json(hfConfigJson(m.config, dtype)) },
    { name: 'tokenizer.json', bytes: json(byteTokenizerJson()) },
    { name: 'tokenizer_config.json', bytes: json({ tokenizer_class: 'PreTrainedTokenizerFast', bos_token: '<s>', eos_token: '</s>', pad_token: '<pad>', add_bos_token: true, model_max_length: m.config.max_position_embeddings, clean_up_tokenization_spaces: false }) },
    { name: 'studio.json', bytes: json({ ...studio, note: m.config.logit_scale !== 1 ? `logit_scale ${m.config.logit_scale} is not a transformers field; config.json keeps it as studio_logit_scale. Multiply the logits by it after loading in transformers.` : undefined }) },
  ];
}
