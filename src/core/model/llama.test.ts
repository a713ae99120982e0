import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { forward, lossOf, ropeTables, targetLogProbs } from './llama';
import { stockRope as applyRope } from './kernels';
import { disposeModel, randomTokens, tinyModel } from '../testing/fixtures';
import { countParameters, weightSpecs } from './weights';
import { validateConfig } from './config';
import { referenceKernels } from '../kernels';

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

describe('llama forward', () => {
  it('produces (B, T, V) logits and log-probabilities that normalise', () => {
    const m = tinyModel();
    const tokens = randomTokens(2, 5, m.config.vocab_size);
    const logits = forward(m, tokens, referenceKernels);
    expect(logits.shape).toEqual([2, 5, m.config.vocab_size]);
    const total = tf.tidy(() => tf.sum(tf.exp(tf.logSoftmax(logits, -1)), -1));
    for (const v of total.dataSync()) expect(v).toBeCloseTo(1, 5);
    disposeModel(m);
  });

  it('is causal: changing a later token leaves earlier positions unchanged', () => {
    const m = tinyModel({}, 2, 5);
    const a = tf.tensor2d([[1, 2, 3, 4, 5, 6]], [1, 6], 'int32');
    const b = tf.tensor2d([[1, 2, 3, 9, 0, 11]], [1, 6], 'int32');
    const la = forward(m, a, referenceKernels);
    const lb = forward(m, b, referenceKernels);
    const early = (x: tf.Tensor) => tf.slice(x, [0, 0, 0], [1, 3, -1]);
    const late = (x: tf.Tensor) => tf.slice(x, [0, 3, 0], [1, 3, -1]);
    expect(maxAbsDiff(early(la), early(lb))).toBeLessThan(1e-6);
    expect(maxAbsDiff(late(la), late(lb))).toBeGreaterThan(1e-3);
    disposeModel(m);
  });

  it('grouped-query attention equals plain attention with each KV head repeated', () => {
    const gqa = tinyModel({ num_attention_heads: 4, num_key_value_heads: 2 }, 4, 4);
    const mha = tinyModel({ num_attention_heads: 4, num_key_value_heads: 4 }, 4, 4);
    const hd = 4;
    for (const [name, t] of Object.entries(gqa.params)) {
      if (/\.(k|v)_proj\.weight$/.test(name)) {
        // KV head j serves query heads 2j and 2j+1: repeat each head's rows twice, in place.
        const heads = tf.split(t, 2, 0);
        mha.params[name] = tf.concat(heads.flatMap((h) => [h, h]), 0);
        expect(mha.params[name].shape).toEqual([4 * hd, 16]);
      } else mha.params[name] = t;
    }
    const tokens = randomTokens(2, 7, 13);
    expect(maxAbsDiff(forward(gqa, tokens, referenceKernels), forward(mha, tokens, referenceKernels))).toBeLessThan(1e-5);
  });

  it('a tied head equals an untied head holding the embedding; logit_scale multiplies logits', () => {
    const tied = tinyModel({ tie_word_embeddings: true }, 5, 3);
    const untied = { config: { ...tied.config, tie_word_embeddings: false }, params: { ...tied.params, 'lm_head.weight': tied.params['model.embed_tokens.weight'] } };
    const scaled = { config: { ...tied.config, logit_scale: 0.5 }, params: tied.params };
    const tokens = randomTokens(1, 6, 13);
    const base = forward(tied, tokens, referenceKernels);
    expect(maxAbsDiff(base, forward(untied, tokens, referenceKernels))).toBeLessThan(1e-6);
    expect(maxAbsDiff(tf.mul(base, 0.5), forward(scaled, tokens, referenceKernels))).toBeLessThan(1e-6);
  });

  it('gradients match central finite differences (SiLU and GELU)', () => {
    for (const act of ['silu', 'gelu'] as const) {
      const m = tinyModel({ hidden_act: act, tie_word_embeddings: act === 'gelu', num_hidden_layers: 1 }, 6, 8);
      const inputs = randomTokens(2, 5, 13, 7);
      const targets = randomTokens(2, 5, 13, 8);
      const mask = tf.ones([2, 5]) as tf.Tensor2D;
      const names = Object.keys(m.params);
      const vars = names.map((n) => tf.variable(m.params[n], true, `${act}-${n}`));
      const model = { config: m.config, params: Object.fromEntries(names.map((n, i) => [n, vars[i] as tf.Tensor])) };
      const { grads } = tf.variableGrads(() => lossOf(model, inputs, targets, mask, referenceKernels), vars);
      const lossAt = () => lossOf(model, inputs, targets, mask, referenceKernels).dataSync()[0];
      let checked = 0;
      for (let vi = 0; vi < vars.length; vi++) {
        const v = vars[vi];
        const g = grads[v.name].dataSync();
        const base = v.dataSync().slice();
        // Probe the entries with the largest gradient plus one arbitrary entry per tensor.
        const idx = [...g.keys()].sort((a, b) => Math.abs(g[b]) - Math.abs(g[a])).slice(0, 2).concat([base.length >> 1]);
        for (const k of idx) {
          const eps = 1e-2;
          const plus = base.slice(); plus[k] += eps; v.assign(tf.tensor(plus, v.shape));
          const lp = lossAt();
          const minus = base.slice(); minus[k] -= eps; v.assign(tf.tensor(minus, v.shape));
          const lm = lossAt();
          v.assign(tf.tensor(base, v.shape));
          const fd = (lp - lm) / (2 * eps);
          expect(Math.abs(fd - g[k]), `${act} ${v.name}[${k}] fd=${fd} grad=${g[k]}`).toBeLessThan(2e-3 + 0.05 * Math.abs(g[k]));
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(20);
      vars.forEach((v) => v.dispose());
    }
  });

  it('targetLogProbs picks log-softmax of each target', () => {
    const m = tinyModel({}, 9, 3);
    const inputs = randomTokens(1, 4, 13, 1);
    const targets = randomTokens(1, 4, 13, 2);
    const lp = targetLogProbs(m, inputs, targets, referenceKernels).dataSync();
    const full = tf.logSoftmax(forward(m, inputs, referenceKernels), -1).arraySync() as number[][][];
    const tg = targets.arraySync();
    for (let t = 0; t < 4; t++) expect(lp[t]).toBeCloseTo(full[0][t][tg[0][t]], 5);
  });
});

describe('RoPE', () => {
  it('rotates pairs (i, i + hd/2) by position x theta^(-2i/hd)', () => {
    const hd = 4;
    const { cos, sin } = ropeTables(3, hd, 10000);
    const x = tf.tensor4d([1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4], [1, 3, 1, hd]); // (B, T, H, hd)
    const y = applyRope(x, cos, sin).arraySync() as number[][][][];
    for (let t = 0; t < 3; t++) {
      for (let i = 0; i < hd / 2; i++) {
        const a = t / Math.pow(10000, (2 * i) / hd);
        const [x1, x2] = [[1, 2, 3, 4][i], [1, 2, 3, 4][i + hd / 2]];
        expect(y[0][t][0][i]).toBeCloseTo(x1 * Math.cos(a) - x2 * Math.sin(a), 5);
        expect(y[0][t][0][i + hd / 2]).toBeCloseTo(x2 * Math.cos(a) + x1 * Math.sin(a), 5);
      }
    }
  });

  it('makes q.k depend only on the distance between positions', () => {
    const hd = 8;
    const { cos, sin } = ropeTables(10, hd, 100);
    const q = tf.tile(tf.tensor4d([0.3, -1, 2, 0.5, 1, 1.5, -0.2, 0.7], [1, 1, 1, hd]), [1, 10, 1, 1]);
    const k = tf.tile(tf.tensor4d([1, 0.2, -0.4, 0.9, -1, 0.3, 0.8, 0.1], [1, 1, 1, hd]), [1, 10, 1, 1]);
    const headMajor = (x: tf.Tensor4D) => tf.transpose(applyRope(x, cos, sin), [0, 2, 1, 3]);
    const dots = tf.matMul(headMajor(q), headMajor(k), false, true).arraySync() as number[][][][];
    expect(dots[0][0][5][2]).toBeCloseTo(dots[0][0][7][4], 4);
    expect(dots[0][0][9][9]).toBeCloseTo(dots[0][0][0][0], 4);
  });
});

describe('weights and config', () => {
  it('names every tensor as Hugging Face does and counts parameters by hand', () => {
    const c = validateConfig({ hidden_size: 8, intermediate_size: 12, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1, vocab_size: 10, tie_word_embeddings: false });
    const names = weightSpecs(c).map((s) => s.name);
    expect(names).toEqual([
      'model.embed_tokens.weight',
      'model.layers.0.input_layernorm.weight',
      'model.layers.0.self_attn.q_proj.weight',
      'model.layers.0.self_attn.k_proj.weight',
      'model.layers.0.self_attn.v_proj.weight',
      'model.layers.0.self_attn.o_proj.weight',
      'model.layers.0.post_attention_layernorm.weight',
      'model.layers.0.mlp.gate_proj.weight',
      'model.layers.0.mlp.up_proj.weight',
      'model.layers.0.mlp.down_proj.weight',
      'model.norm.weight',
      'lm_head.weight',
    ]);
    // embed 80 + head 80; layer: norms 16, q 64, k 32, v 32, o 64, mlp 3*96; final norm 8
    expect(countParameters(c)).toEqual({ total: 80 + 80 + 16 + 64 + 32 + 32 + 64 + 288 + 8, embedding: 160, nonEmbedding: 504 });
  });

  it('rejects bad configs with the field name and the rule', () => {
    expect(() => validateConfig({ hidden_size: 10, num_attention_heads: 4 })).toThrow(/hidden_size \(10\) must be divisible by config.num_attention_heads \(4\)/);
    expect(() => validateConfig({ num_key_value_heads: 3 })).toThrow(/num_key_value_heads \(3\) must divide/);
    expect(() => validateConfig({ hidden_act: 'relu' })).toThrow(/hidden_act must be 'silu' or 'gelu'/);
    expect(() => validateConfig({ hidden_layers: 2 })).toThrow(/unknown field\(s\) hidden_layers/);
    expect(() => validateConfig({ num_hidden_layers: 0 })).toThrow(/num_hidden_layers must be a positive integer/);
  });
});
