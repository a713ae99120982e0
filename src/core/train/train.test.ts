import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { AdamW } from './adamw';
import { learningRate } from './schedule';
import { clipByGlobalNorm } from './clip';
import { validateTrainSettings } from './settings';
import { Trainer } from './trainer';
import { MixtureSampler } from '../data/sampler';
import { tokenizeBytes } from '../data/tokens';
import { ByteTokenizer } from '../tokenizer/byte';
import { initialWeights } from '../model/init';
import { tinyConfig } from '../testing/fixtures';
import { referenceKernels } from '../kernels';

describe('AdamW', () => {
  it('matches a hand computation of two steps, with decoupled decay on matrices only', () => {
    const w = tf.variable(tf.tensor2d([[1, -2]]), true, 'adamw-w');
    const g = tf.variable(tf.tensor1d([0.5]), true, 'adamw-g');
    const opt = new AdamW({ w, g }, { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 });
    const lr = 0.01;
    const grads1 = { w: tf.tensor2d([[0.2, -0.4]]), g: tf.tensor1d([1]) };
    opt.apply(grads1, lr);
    // Step 1: m = 0.1 g, v = 0.05 g^2, mhat = g, vhat = g^2 -> update = sign(g) (up to eps).
    const w1 = [1 * (1 - lr * 0.1) - lr * 1, -2 * (1 - lr * 0.1) + lr * 1];
    expect(Array.from(w.dataSync())[0]).toBeCloseTo(w1[0], 6);
    expect(Array.from(w.dataSync())[1]).toBeCloseTo(w1[1], 6);
    expect(g.dataSync()[0]).toBeCloseTo(0.5 - lr, 6); // rank 1: no decay
    opt.apply({ w: tf.tensor2d([[-0.1, 0.3]]), g: tf.tensor1d([2]) }, lr);
    const hand = (p: number, g1: number, g2: number, decay: boolean) => {
      const m = 0.9 * 0.1 * g1 + 0.1 * g2;
      const v = 0.95 * 0.05 * g1 * g1 + 0.05 * g2 * g2;
      const mhat = m / (1 - 0.9 ** 2);
      const vhat = v / (1 - 0.95 ** 2);
      return (decay ? p * (1 - lr * 0.1) : p) - (lr * mhat) / (Math.sqrt(vhat) + 1e-8);
    };
    expect(w.dataSync()[0]).toBeCloseTo(hand(w1[0], 0.2, -0.1, true), 6);
    expect(w.dataSync()[1]).toBeCloseTo(hand(w1[1], -0.4, 0.3, true), 6);
    expect(g.dataSync()[0]).toBeCloseTo(hand(0.5 - lr, 1, 2, false), 6);
    const state = opt.getState();
    expect(state.step).toBe(2);
    expect(state.m.w.dataSync()[0]).toBeCloseTo(0.9 * 0.02 + 0.1 * -0.1, 6);
    opt.dispose();
  });
});

describe('schedules', () => {
  const base = { lr: 1, totalSteps: 100, warmupSteps: 10, decayFraction: 0.2, minLrRatio: 0.1 };
  it('wsd: linear warmup, constant, linear decay to 0 over the last 20 %', () => {
    const lr = (s: number) => learningRate({ ...base, kind: 'wsd' }, s);
    expect(lr(0)).toBeCloseTo(0.1);
    expect(lr(9)).toBeCloseTo(1);
    expect(lr(50)).toBe(1);
    expect(lr(79)).toBe(1);
    expect(lr(80)).toBeCloseTo(20 / 21);
    expect(lr(99)).toBeCloseTo(1 / 21);
    for (let s = 80; s < 99; s++) expect(lr(s + 1)).toBeLessThan(lr(s));
    expect(lr(100)).toBe(0);
  });
  it('cosine: from lr after warmup to minLrRatio x lr at the end', () => {
    const lr = (s: number) => learningRate({ ...base, kind: 'cosine' }, s);
    expect(lr(10)).toBeCloseTo(1);
    expect(lr(55)).toBeCloseTo(0.55);
    expect(lr(100)).toBeCloseTo(0.1);
  });
});

describe('clipByGlobalNorm', () => {
  it('scales all gradients by maxNorm / global norm when above it, and not otherwise', () => {
    const grads = { a: tf.tensor1d([3, 0]), b: tf.tensor1d([0, 4]) };
    const { grads: c, norm } = clipByGlobalNorm(grads, 1, referenceKernels);
    expect(norm.dataSync()[0]).toBeCloseTo(5);
    expect(Array.from(c.a.dataSync())).toEqual([expect.closeTo(0.6, 5), 0]);
    expect(Array.from(c.b.dataSync())).toEqual([0, expect.closeTo(0.8, 5)]);
    const { grads: same } = clipByGlobalNorm(grads, 10, referenceKernels);
    expect(Array.from(same.b.dataSync())).toEqual([0, 4]);
  });
});

describe('train settings', () => {
  const ctx = { corpusIds: ['eng-brown', 'udhr-fao'], maxPositionEmbeddings: 64 };
  const ok = { from: 'ck', data: [{ corpus: 'eng-brown', weight: 1 }], steps: 10, batchSize: 4, seqLen: 32, lr: 1e-3 };
  it('fills defaults', () => {
    const s = validateTrainSettings(ok, ctx);
    expect(s).toMatchObject({ schedule: 'wsd', clip: 1, weightDecay: 0.01, beta2: 0.95, warmupSteps: 0, seed: 0 });
  });
  it('names the bad argument and what is allowed', () => {
    expect(() => validateTrainSettings({ ...ok, seqLen: 65 }, ctx)).toThrow(/seqLen must be an integer from 2 to 64, got 65/);
    expect(() => validateTrainSettings({ ...ok, data: [{ corpus: 'klingon' }] }, ctx)).toThrow(/data\[0\]\.corpus "klingon" is not a known corpus/);
    expect(() => validateTrainSettings({ ...ok, schedule: 'step' }, ctx)).toThrow(/schedule must be one of wsd, cosine, constant/);
    expect(() => validateTrainSettings({ ...ok, lr: 0 }, ctx)).toThrow(/lr must be a number > 0/);
    expect(() => validateTrainSettings({ ...ok, stepz: 3 }, ctx)).toThrow(/unknown train option\(s\) stepz/);
    expect(() => validateTrainSettings({ ...ok, watch: ['nope'] }, ctx)).toThrow(/watch must be a list of corpus ids; unknown: \["nope"\]/);
  });
});

describe('Trainer', () => {
  it('lowers the loss of a tiny model on repetitive text and leaks no tensors', async () => {
    const config = tinyConfig({ vocab_size: 259, hidden_size: 16, max_position_embeddings: 32 });
    const params: Record<string, tf.Tensor> = {};
    for (const [n, w] of initialWeights(config, 0)) params[n] = tf.tensor(w.data, w.shape);
    const text = tokenizeBytes(new TextEncoder().encode('the cat sat on the mat.\nthe dog sat on the log.\n'.repeat(20)));
    const settings = validateTrainSettings({ from: 'x', data: [{ corpus: 'c', weight: 1 }], steps: 40, batchSize: 4, seqLen: 16, lr: 1e-2, warmupSteps: 2, schedule: 'constant' }, { corpusIds: ['c'], maxPositionEmbeddings: 32 });
    const sampler = new MixtureSampler([{ id: 'c', weight: 1, text }], 4, 16, 0, new ByteTokenizer().bos);
    const trainer = new Trainer(config, params, settings, sampler, referenceKernels);
    Object.values(params).forEach((t) => t.dispose());
    const losses: number[] = [];
    const counts: number[] = [];
    for (let i = 0; i < 40; i++) {
      losses.push((await trainer.runStep()).loss);
      counts.push(tf.memory().numTensors);
    }
    expect(losses[0]).toBeGreaterThan(5); // about ln 259 = 5.56 at init
    expect(losses.slice(-5).reduce((a, b) => a + b) / 5).toBeLessThan(losses[0] - 2);
    expect(new Set(counts.slice(2)).size).toBe(1);
    trainer.dispose();
  });

  it('changes only the tensors marked trainable (the train-only-new option of block expansion)', async () => {
    const config = tinyConfig({ vocab_size: 259, max_position_embeddings: 16 });
    const params: Record<string, tf.Tensor> = {};
    for (const [n, w] of initialWeights(config, 0)) params[n] = tf.tensor(w.data, w.shape);
    const trainable = Object.keys(params).filter((n) => n.startsWith('model.layers.1.'));
    const text = tokenizeBytes(new TextEncoder().encode('abc abd abe\n'.repeat(30)));
    const settings = validateTrainSettings({ from: 'x', data: [{ corpus: 'c', weight: 1 }], steps: 3, batchSize: 2, seqLen: 8, lr: 1e-2 }, { corpusIds: ['c'], maxPositionEmbeddings: 16 });
    const trainer = new Trainer(config, params, settings, new MixtureSampler([{ id: 'c', weight: 1, text }], 2, 8, 0, 256), referenceKernels, trainable);
    for (let i = 0; i < 3; i++) await trainer.runStep();
    for (const [n, v] of Object.entries(trainer.variables)) {
      const changed = tf.tidy(() => tf.max(tf.abs(tf.sub(v, params[n]))).dataSync()[0]) > 0;
      expect(changed, n).toBe(trainable.includes(n));
    }
    trainer.dispose();
  });
});
