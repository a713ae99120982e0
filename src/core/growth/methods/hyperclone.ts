// HyperCloning (Samragh et al. 2024, "Scaling Smart: Accelerating Large Language Model
// Pre-training with Small Model Initialization"): width x m, function-preserving. The grown
// hidden state is the parent's repeated m times, [h, ..., h]; every linear layer becomes the
// block matrix of m x m copies of W divided by m, so it maps [x, ..., x] to [Wx, ..., Wx].
// Query and KV heads are both multiplied by m, so new head (j n + i) is a copy of head i and the
// grouped-query mapping head -> KV head is preserved. Norm gains are tiled (RMS([h, h]) = RMS(h)).
// The embedding is tiled without division; an untied head is cloned like a linear layer, a tied
// one gets logit_scale / m because its logits would otherwise be m times too large.
import type { LlamaConfig } from '../../model/config';
import { fillNormal, hashString, mulberry32 } from '../../rng';
import type { ParamValues } from '../../params';
import { tileMatrix, tileVector } from '../tile';
import type { GrowthMethod, HostTensor, WeightMap } from '../types';

/**
 * Symmetry-breaking noise that keeps the function: N is added to one input-column block and -N
 * to its partner in the same output rows, so for an input [x, x, ...] the two cancel (up to
 * float rounding).
 * Noise power = mean(W'^2) / 10^(snr/10) of the cloned matrix W'.
 */
function addCancellingNoise(w: HostTensor, m: number, snrDb: number, seed: number, name: string): void {
  const [rows, cols] = w.shape;
  const block = cols / m;
  let power = 0;
  for (let i = 0; i < w.data.length; i++) power += w.data[i] * w.data[i];
  const std = Math.sqrt(power / w.data.length / Math.pow(10, snrDb / 10));
  if (!(std > 0)) return;
  const rand = mulberry32(hashString(name, seed));
  const noise = new Float32Array(block);
  for (let r = 0; r < rows; r++) {
    for (let b = 0; b + 1 < m; b += 2) {
      fillNormal(noise, rand, std);
      const a = r * cols + b * block;
      const p = a + block;
      for (let j = 0; j < block; j++) {
        w.data[a + j] += noise[j];
        w.data[p + j] -= noise[j];
      }
    }
  }
}

export const hyperclone: GrowthMethod = {
  id: 'hyperclone',
  label: 'HyperCloning (width × m)',
  description: 'Multiplies hidden size, MLP size, query heads and KV heads by m with the head size unchanged; the grown model computes exactly the same function.',
  paper: { title: 'Samragh et al. 2024, Scaling Smart: Accelerating LLM Pre-training with Small Model Initialization', url: 'https://arxiv.org/abs/2409.12903' },
  functionPreserving: true,
  params: [
    { name: 'factor', kind: 'int', label: 'width factor m', help: 'hidden size, MLP size and head counts are multiplied by m (the paper uses 2)', default: 2, min: 2, max: 8 },
    { name: 'noiseSnrDb', kind: 'number', label: 'noise SNR (dB)', help: 'symmetry-breaking noise, signal-to-noise ratio in dB; 0 or less adds none. The noise cancels, so the function is still preserved', default: 0, min: 0, max: 200 },
    { name: 'seed', kind: 'int', label: 'noise seed', help: 'seed of the noise', default: 0, min: 0, max: 4294967295 },
  ],

  plan(c: LlamaConfig, p: ParamValues): LlamaConfig {
    const m = p.factor as number;
    return {
      ...c,
      hidden_size: c.hidden_size * m,
      intermediate_size: c.intermediate_size * m,
      num_attention_heads: c.num_attention_heads * m,
      num_key_value_heads: c.num_key_value_heads * m,
      logit_scale: c.tie_word_embeddings ? c.logit_scale / m : c.logit_scale,
    };
  },

  apply(parent, weights: WeightMap, p) {
    const m = p.factor as number;
    const snr = p.noiseSnrDb as number;
    const out: WeightMap = new Map();
    for (const [name, w] of weights) {
      let g: HostTensor;
      if (name === 'model.embed_tokens.weight') g = tileMatrix(w, 1, m, 1);
      else if (name === 'lm_head.weight') g = tileMatrix(w, 1, m, 1 / m);
      else if (w.shape.length === 1) g = tileVector(w, m);
      else g = tileMatrix(w, m, m, 1 / m);
      if (snr > 0 && name !== 'model.embed_tokens.weight' && w.shape.length === 2) addCancellingNoise(g, m, snr, p.seed as number, name);
      out.set(name, g);
    }
    return { config: this.plan(parent, p), weights: out };
  },
};
