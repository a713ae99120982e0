// Tiny models for tests: small enough for finite differences on the CPU backend, shaped to
// exercise grouped-query attention, tied and untied heads.
import * as tf from '@tensorflow/tfjs';
import type { LlamaConfig } from '../model/config';
import { DEFAULT_CONFIG } from '../model/config';
import type { LlamaModel } from '../model/llama';
import { initialWeights } from '../model/init';

export function tinyConfig(over: Partial<LlamaConfig> = {}): LlamaConfig {
  return {
    ...DEFAULT_CONFIG,
    hidden_size: 16,
    intermediate_size: 24,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    vocab_size: 13,
    max_position_embeddings: 16,
    ...over,
  };
}

/** A model whose weights are scaled up from the usual init so gradients are well above noise. */
export function tinyModel(over: Partial<LlamaConfig> = {}, seed = 1, scale = 1): LlamaModel {
  const config = tinyConfig(over);
  const params: Record<string, tf.Tensor> = {};
  for (const [name, w] of initialWeights(config, seed)) {
    const data = name.endsWith('norm.weight') ? w.data : w.data.map((x) => x * scale);
    params[name] = tf.tensor(data, w.shape);
  }
  return { config, params };
}

export function disposeModel(m: LlamaModel): void {
  for (const t of Object.values(m.params)) t.dispose();
}

export function randomTokens(b: number, t: number, vocab: number, seed = 3): tf.Tensor2D {
  let s = seed;
  const data = Int32Array.from({ length: b * t }, () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s % vocab;
  });
  return tf.tensor2d(data, [b, t], 'int32');
}
