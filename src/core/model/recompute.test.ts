// Gradient checkpointing (recompute.ts through llama.ts's forward): the same loss and gradients
// for every parameter as the plain tape, nothing left behind, and a lower peak of live bytes.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { lossOf, type LlamaModel } from './llama';
import { disposeModel, randomTokens, tinyModel } from '../testing/fixtures';
import { referenceKernels } from '../kernels';
import type { LlamaConfig } from './config';
import { estimateMemory } from './memory';

/** A model whose parameters are variables (trainable unless named in `frozen`), as the Trainer holds them. */
function variableModel(over: Partial<LlamaConfig>, frozen: string[] = []): LlamaModel {
  const m = tinyModel(over, 5);
  const params = Object.fromEntries(Object.entries(m.params).map(([n, t]) => [n, tf.variable(t, !frozen.includes(n))]));
  disposeModel(m);
  return { config: m.config, params };
}

function lossAndGrads(m: LlamaModel, recompute: boolean, b = 2, t = 6): { loss: number; grads: Record<string, Float32Array> } {
  return tf.tidy(() => {
    const inputs = randomTokens(b, t, m.config.vocab_size, 7);
    const targets = randomTokens(b, t, m.config.vocab_size, 11);
    const mask = tf.ones([b, t]) as tf.Tensor2D;
    const vars = Object.values(m.params).filter((v) => (v as tf.Variable).trainable) as tf.Variable[];
    const { value, grads } = tf.variableGrads(() => lossOf(m, inputs, targets, mask, referenceKernels, { recompute }), vars);
    return { loss: value.dataSync()[0], grads: Object.fromEntries(Object.entries(grads).map(([n, g]) => [n, g.dataSync() as Float32Array])) };
  });
}

const maxRelDiff = (a: Float32Array, b: Float32Array) => {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / Math.max(scale, 1e-12);
};

describe('recompute activations in the backward pass', () => {
  const cases: [string, Partial<LlamaConfig>][] = [
    ['3 layers, GQA 4/2, tied head', { num_hidden_layers: 3, num_attention_heads: 4, num_key_value_heads: 2, tie_word_embeddings: true }],
    ['2 layers, GQA 4/1, untied head', { num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 1, tie_word_embeddings: false }],
    ['2 layers, GeGLU, untied head', { num_hidden_layers: 2, hidden_act: 'gelu', tie_word_embeddings: false }],
  ];
  for (const [label, over] of cases) {
    it(`gives the same loss and gradient of every parameter: ${label}`, () => {
      const m = variableModel(over);
      const plain = lossAndGrads(m, false);
      const before = tf.memory().numTensors;
      const recomputed = lossAndGrads(m, true);
      expect(tf.memory().numTensors).toBe(before); // nothing of the nested tapes survives
      expect(recomputed.loss).toBeCloseTo(plain.loss, 6);
      expect(Object.keys(recomputed.grads).sort()).toEqual(Object.keys(plain.grads).sort());
      expect(Object.keys(plain.grads)).toHaveLength(Object.keys(m.params).length);
      for (const [name, g] of Object.entries(plain.grads)) {
        expect(maxRelDiff(recomputed.grads[name], g), name).toBeLessThan(1e-5);
        expect(g.some((x) => x !== 0), name).toBe(true);
      }
      disposeModel(m);
    });
  }

  it('leaves frozen weights without gradients and the trained ones unchanged (block expansion)', () => {
    const frozen = ['model.layers.0.self_attn.q_proj.weight', 'model.layers.0.mlp.down_proj.weight', 'model.embed_tokens.weight'];
    const m = variableModel({ num_hidden_layers: 2, tie_word_embeddings: false }, frozen);
    const plain = lossAndGrads(m, false);
    const recomputed = lossAndGrads(m, true);
    for (const n of frozen) expect(recomputed.grads[n]).toBeUndefined();
    for (const [name, g] of Object.entries(plain.grads)) expect(maxRelDiff(recomputed.grads[name], g), name).toBeLessThan(1e-5);
    disposeModel(m);
  });

  it('lowers the peak of live bytes of a gradient computation, with no tensor left across steps', async () => {
    // Activations dominate here (8 layers, 8 x 32 tokens, d=32): the case recompute is for.
    const m = variableModel({ num_hidden_layers: 8, hidden_size: 32, intermediate_size: 96, num_attention_heads: 4, num_key_value_heads: 2, max_position_embeddings: 64 });
    const peak = async (recompute: boolean) => {
      const before = tf.memory().numTensors;
      const info = await tf.profile(() => {
        lossAndGrads(m, recompute, 8, 32);
      });
      expect(tf.memory().numTensors).toBe(before);
      return info.peakBytes - tf.memory().numBytes;
    };
    const plain = await peak(false);
    const recomputed = await peak(true);
    expect(await peak(true)).toBe(recomputed); // a second step peaks the same: nothing accumulates
    const estimated = estimateMemory(m.config, 8, 32).training.activations;
    console.log(`peak bytes above the weights, one loss-and-gradients step (8 layers, d=32, 8 x 32 tokens): without recompute ${plain}, with ${recomputed} (${(recomputed / plain).toFixed(2)}x); memory.ts's activation estimate without recompute: ${estimated}`);
    expect(recomputed).toBeLessThan(0.6 * plain);
    disposeModel(m);
  });
});
