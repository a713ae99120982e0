import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { forward } from '../model/llama';
import type { LlamaConfig } from '../model/config';
import { flopMatchedTokens, growWeights, modelStats, planGrowth } from './grow';
import { depthUpscaleLayerMap } from './methods/depthUpscale';
import { blockExpandLayerMap } from './methods/blockExpand';
import type { WeightMap } from './types';
import { randomTokens, tinyModel } from '../testing/fixtures';
import { referenceKernels } from '../kernels';

function weightsOf(params: Record<string, tf.Tensor>): WeightMap {
  return new Map(Object.entries(params).map(([n, t]) => [n, { shape: t.shape.slice(), data: t.dataSync() as Float32Array }]));
}

function modelOf(config: LlamaConfig, w: WeightMap) {
  return { config, params: Object.fromEntries([...w].map(([n, t]) => [n, tf.tensor(t.data, t.shape)])) };
}

/** Grows a trained-looking tiny model and returns the largest logit difference to the parent. */
function grownLogitDiff(over: Partial<LlamaConfig>, request: Record<string, unknown>): { diff: number; grown: WeightMap; config: LlamaConfig } {
  const parent = tinyModel(over, 21, 6);
  const plan = planGrowth(parent.config, request);
  const result = growWeights(parent.config, weightsOf(parent.params), plan);
  const tokens = randomTokens(2, 9, parent.config.vocab_size, 5);
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(forward(parent, tokens, referenceKernels), forward(modelOf(result.config, result.weights), tokens, referenceKernels)))).dataSync()[0]);
  return { diff, grown: result.weights, config: result.config };
}

describe('hyperclone', () => {
  for (const tie of [true, false]) {
    for (const [heads, kv] of [[4, 4], [4, 2], [4, 1]]) {
      for (const factor of [2, 3]) {
        it(`preserves logits: ${tie ? 'tied' : 'untied'} head, ${heads}/${kv} heads, x${factor}`, () => {
          const { diff, config } = grownLogitDiff({ tie_word_embeddings: tie, num_attention_heads: heads, num_key_value_heads: kv }, { method: 'hyperclone', factor });
          expect(diff).toBeLessThan(2e-5);
          expect(config.hidden_size).toBe(16 * factor);
          expect(config.num_key_value_heads).toBe(kv * factor);
          expect(config.logit_scale).toBeCloseTo(tie ? 1 / factor : 1, 12);
        });
      }
    }
  }

  it('adds symmetry-breaking noise that still preserves the function', () => {
    const plain = grownLogitDiff({ num_key_value_heads: 2 }, { method: 'hyperclone', factor: 2 });
    const noisy = grownLogitDiff({ num_key_value_heads: 2 }, { method: 'hyperclone', factor: 2, noiseSnrDb: 20, seed: 7 });
    expect(noisy.diff).toBeLessThan(2e-5);
    const a = plain.grown.get('model.layers.0.mlp.up_proj.weight')!.data;
    const b = noisy.grown.get('model.layers.0.mlp.up_proj.weight')!.data;
    let noisePower = 0;
    let signalPower = 0;
    for (let i = 0; i < a.length; i++) {
      noisePower += (a[i] - b[i]) ** 2;
      signalPower += a[i] ** 2;
    }
    // 20 dB: noise power is 1 % of the signal's (per noisy entry; all entries get noise at m = 2).
    expect(noisePower / signalPower).toBeGreaterThan(0.007);
    expect(noisePower / signalPower).toBeLessThan(0.013);
    // The two copies of a row no longer agree, so training can break their symmetry.
    expect(b[0]).not.toBe(b[16]);
  });
});

describe('block expansion', () => {
  it('inserts identity blocks that preserve logits and marks only them trainable on request', () => {
    const { diff, config } = grownLogitDiff({ num_hidden_layers: 2 }, { method: 'block_expand', every: 1 });
    expect(diff).toBeLessThan(1e-5);
    expect(config.num_hidden_layers).toBe(4);
    const parent = tinyModel({ num_hidden_layers: 4 }, 3, 2);
    const plan = planGrowth(parent.config, { method: 'block_expand', every: 2, trainOnlyNew: true });
    const r = growWeights(parent.config, weightsOf(parent.params), plan);
    expect(r.config.num_hidden_layers).toBe(6);
    expect(r.layerMap).toEqual([0, 1, -1, 2, 3, -1]);
    expect(new Set(r.trainable!.map((n) => n.split('.')[2]))).toEqual(new Set(['2', '5']));
    expect(r.trainable).toHaveLength(18);
    expect(Array.from(r.weights.get('model.layers.2.mlp.down_proj.weight')!.data).every((v) => v === 0)).toBe(true);
    expect(r.weights.get('model.layers.2.mlp.up_proj.weight')!.data).toEqual(r.weights.get('model.layers.1.mlp.up_proj.weight')!.data);
  });
  it('maps layers for a group size that does not divide the depth', () => {
    expect(blockExpandLayerMap(5, 2)).toEqual({ map: [0, 1, 1, 2, 3, 3, 4], inserted: [2, 5] });
  });
});

describe('depth up-scaling', () => {
  it('duplicates the stack and drops k layers at the seam', () => {
    expect(depthUpscaleLayerMap(4, 1)).toEqual([0, 1, 2, 1, 2, 3]);
    expect(depthUpscaleLayerMap(32, 8)).toHaveLength(48);
    const parent = tinyModel({ num_hidden_layers: 3 }, 4, 2);
    const r = growWeights(parent.config, weightsOf(parent.params), planGrowth(parent.config, { method: 'depth_upscale', k: 1 }));
    expect(r.config.num_hidden_layers).toBe(4);
    expect(r.layerMap).toEqual([0, 1, 1, 2]);
    expect(r.weights.get('model.layers.2.self_attn.q_proj.weight')!.data).toEqual(parent.params['model.layers.1.self_attn.q_proj.weight'].dataSync());
    expect(r.weights.get('model.layers.3.self_attn.q_proj.weight')!.data).toEqual(parent.params['model.layers.2.self_attn.q_proj.weight'].dataSync());
  });
});

describe('counts and FLOPs', () => {
  it('match hand counts before and after hyperclone x2', () => {
    // d=16, I=24, L=2, heads 4 / kv 2 (head 4), V=13, tied.
    const c = tinyModel().config;
    const layer = (d: number, i: number, q: number, kv: number) => 2 * d + q * d + 2 * kv * d + d * q + 3 * i * d;
    const before = modelStats(c, 16);
    expect(before.parameters).toEqual({ total: 13 * 16 + 2 * layer(16, 24, 16, 8) + 16, embedding: 13 * 16, nonEmbedding: 2 * layer(16, 24, 16, 8) + 16 });
    // 6 N + 6 L T d_attn + 6 d V
    expect(before.flopsPerToken).toBe(6 * before.parameters.nonEmbedding + 6 * 2 * 16 * 16 + 6 * 16 * 13);
    const plan = planGrowth(c, { method: 'hyperclone', factor: 2 });
    expect(plan.after.parameters.nonEmbedding).toBe(2 * layer(32, 48, 32, 16) + 32);
    expect(plan.after.parameters.embedding).toBe(13 * 32);
    const tokens = flopMatchedTokens(c, plan.config, 1_000_000, 16);
    expect(tokens).toBe(Math.floor((1_000_000 * before.flopsPerToken) / modelStats(plan.config, 16).flopsPerToken));
    expect(tokens).toBeLessThan(400_000);
  });
});

describe('bad input', () => {
  const c = tinyModel({ num_hidden_layers: 2 }).config;
  it('names the parameter and the allowed range', () => {
    expect(() => planGrowth(c, { method: 'hyperclone', factor: 1 })).toThrow(/hyperclone: factor must be from 2 to 8, got 1/);
    expect(() => planGrowth(c, { method: 'hyperclone', factor: 2.5 })).toThrow(/hyperclone: factor must be an integer from 2 to 8, got 2.5/);
    expect(() => planGrowth(c, { method: 'depth_upscale', k: 2 })).toThrow(/depth_upscale: k must be from 0 to 1 for a model of 2 layers/);
    expect(() => planGrowth(c, { method: 'block_expand', every: 3 })).toThrow(/block_expand: every must be from 1 to 2/);
    expect(() => planGrowth(c, { method: 'widen' })).toThrow(/method must be one of hyperclone, depth_upscale, block_expand, got "widen"/);
    expect(() => planGrowth(c, { method: 'hyperclone', factr: 2 })).toThrow(/hyperclone: unknown parameter\(s\) factr; allowed: factor, noiseSnrDb, seed/);
  });
});
