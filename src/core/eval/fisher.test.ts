import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { diagonalFisher } from './fisher';
import { lossOf } from '../model/llama';
import { MixtureSampler } from '../data/sampler';
import { tokenizeBytes } from '../data/tokens';
import { tinyModel } from '../testing/fixtures';
import { referenceKernels } from '../kernels';

describe('diagonalFisher', () => {
  const model = tinyModel({ vocab_size: 259, num_hidden_layers: 1 }, 3, 3);
  const text = tokenizeBytes(new TextEncoder().encode('Ein Satz hier.\nNoch einer dort.\n'.repeat(5)));

  it('empirical: the mean of squared per-sequence gradients on the observed tokens', async () => {
    const F = await diagonalFisher(model, text, { samples: 3, seqLen: 8, sampledLabels: false, seed: 2, bos: 256 }, referenceKernels);
    const sampler = new MixtureSampler([{ id: 'text', weight: 1, text }], 1, 8, 2, 256);
    const name = 'model.layers.0.mlp.up_proj.weight';
    const sq = tf.zerosLike(model.params[name]).dataSync().slice() as Float32Array;
    for (let s = 0; s < 3; s++) {
      const b = sampler.batch(s);
      const g = tf.grad((w: tf.Tensor) => lossOf({ config: model.config, params: { ...model.params, [name]: w } }, tf.tensor2d(b.inputs, [1, 8], 'int32'), tf.tensor2d(b.targets, [1, 8], 'int32'), tf.ones([1, 8]) as tf.Tensor2D, referenceKernels))(model.params[name]).dataSync();
      g.forEach((v, i) => (sq[i] += (v * v) / 3));
    }
    F[name].forEach((v, i) => expect(Math.abs(v - sq[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, sq[i]) + 1e-10));
    expect(Object.keys(F)).toEqual(Object.keys(model.params));
  });

  it('sampled labels: reproducible for a seed, different from the empirical Fisher', async () => {
    const o = { samples: 2, seqLen: 8, sampledLabels: true, seed: 5, bos: 256 };
    const before = tf.memory().numTensors;
    const a = await diagonalFisher(model, text, o, referenceKernels);
    expect(tf.memory().numTensors).toBe(before); // nothing left behind
    const b = await diagonalFisher(model, text, o, referenceKernels);
    const e = await diagonalFisher(model, text, { ...o, sampledLabels: false }, referenceKernels);
    const name = 'model.norm.weight';
    expect(a[name]).toEqual(b[name]);
    expect(a[name]).not.toEqual(e[name]);
  });
});
