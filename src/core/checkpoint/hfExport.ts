// Export in the formats the field uses: model.safetensors (Hugging Face names and [out, in]
// layouts, F32 or F16/BF16), a config.json transformers' LlamaForCausalLM loads, the tokenizer
// (the byte-level one as a tokenizer.json, or an imported one's own files), studio.json.
import type { LlamaConfig } from '../model/config';
import { headDim } from '../model/config';
import type { CheckpointManifest } from './manifest';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from './safetensors';
import { byteTokenizerJson } from '../tokenizer/byte';
import type { HfTokenizerFiles } from '../tokenizer/hf';
import type { TokenizerSpec } from '../tokenizer/tokenizer';

export type ExportDtype = 'F32' | 'F16' | 'BF16';
export const EXPORT_DTYPES: ExportDtype[] = ['F32', 'F16', 'BF16'];
const TORCH_DTYPE: Record<ExportDtype, string> = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' };

/**
 * transformers' LlamaConfig. It has no logit scale: exportCheckpointFiles folds the studio's
 * logit_scale into the final norm's gain, so config.json describes an ordinary Llama whose
 * logits are the studio's.
 */
export function hfConfigJson(c: LlamaConfig, dtype: ExportDtype, tokenizer: TokenizerSpec = { kind: 'byte' }): Record<string, unknown> {
  const ids = tokenizer.kind === 'byte' ? { bos: 256, eos: 257, pad: 258 } : tokenizer;
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
    bos_token_id: ids.bos,
    eos_token_id: ids.eos,
    pad_token_id: ids.pad,
    torch_dtype: TORCH_DTYPE[dtype],
  };
}

export interface ExportFile {
  name: string;
  bytes: Uint8Array;
}

const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v, null, 2) + '\n');

/** The byte tokenizer's files, or an imported tokenizer's files exactly as they were imported. */
function tokenizerFiles(m: CheckpointManifest, imported?: HfTokenizerFiles): ExportFile[] {
  if (m.tokenizer.kind === 'hf') {
    if (!imported) throw new Error(`checkpoint ${m.id} uses an imported tokenizer whose files were not given`);
    const text = (t: string) => new TextEncoder().encode(t);
    return [{ name: 'tokenizer.json', bytes: text(imported.tokenizer) }, ...(imported.config !== undefined ? [{ name: 'tokenizer_config.json', bytes: text(imported.config) }] : [])];
  }
  return byteTokenizerFiles(m.config.max_position_embeddings);
}

/** The byte tokenizer as a transformers tokenizer folder: AutoTokenizer.from_pretrained loads these two files. */
export function byteTokenizerFiles(maxPositions: number): ExportFile[] {
  return [
    { name: 'tokenizer.json', bytes: json(byteTokenizerJson()) },
    { name: 'tokenizer_config.json', bytes: json({ tokenizer_class: 'PreTrainedTokenizerFast', bos_token: '<s>', eos_token: '</s>', pad_token: '<pad>', add_bos_token: true, model_max_length: maxPositions, clean_up_tokenization_spaces: false }) },
  ];
}

/** The final RMSNorm's gain: the tensor a logit scale folds into. */
const FINAL_NORM = 'model.norm.weight';

/**
 * Folds a logit scale s into the final RMSNorm's gain g, exactly: the head is linear in the
 * normalised state, so (RMSNorm(h) ⊙ g) Wᵀ · s = (RMSNorm(h) ⊙ (g·s)) Wᵀ, tied or untied head
 * alike (a HyperCloned ×2 tied head has s = 1/2). transformers' LlamaForCausalLM, which knows no
 * logit scale, then computes the studio's logits. Other tensors are returned as they are.
 */
export function foldLogitScale(tensors: NamedTensor[], logitScale: number): NamedTensor[] {
  if (logitScale === 1) return tensors;
  if (!tensors.some((t) => t.name === FINAL_NORM)) throw new Error(`cannot fold logit_scale ${logitScale} into the weights: the checkpoint has no ${FINAL_NORM}`);
  return tensors.map((t) => (t.name === FINAL_NORM ? { ...t, data: Float32Array.from(t.data, (g) => g * logitScale), dtype: undefined } : t));
}

export function exportCheckpointFiles(m: CheckpointManifest, safetensors: Uint8Array, dtype: ExportDtype, imported?: HfTokenizerFiles): ExportFile[] {
  if (!EXPORT_DTYPES.includes(dtype)) throw new Error(`dtype must be one of ${EXPORT_DTYPES.join(', ')}, got ${JSON.stringify(dtype)}`);
  const { tensors } = decodeSafetensors(safetensors, m.name);
  const { tensorsKey: _k, bytes: _b, ...studio } = m;
  // Folded in float32, before any rounding to F16/BF16.
  const folded = foldLogitScale(tensors.map((t) => ({ name: t.name, shape: t.shape, data: t.data })), m.config.logit_scale);
  const scale = m.config.logit_scale;
  return [
    { name: 'model.safetensors', bytes: encodeSafetensors(folded, { format: 'pt' }, dtype) },
    { name: 'config.json', bytes: json(hfConfigJson(m.config, dtype, m.tokenizer)) },
    ...tokenizerFiles(m, imported),
    { name: 'studio.json', bytes: json({ ...studio, note: scale !== 1 ? `The studio's logit_scale ${scale} is folded into ${FINAL_NORM} (every entry multiplied by ${scale}), which gives the same logits exactly: the exported files are an ordinary Llama and need no extra field.` : undefined }) },
  ];
}
