// Row shards under a forced binding limit on the CPU backend: a model whose embedding (tied head)
// or untied head exceeds the limit computes the same logits, loss, gradients, training steps,
// generations and scores as the same model held whole, no tensor of the layout exceeds the limit,
// and what is saved is the one tensor of the architecture table, value for value.
import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { referenceKernels, type Kernels } from '../kernels';
import { disposeModel, randomTokens, tinyModel } from '../testing/fixtures';
import { forward, lossOf, targetLogProbs, type LlamaModel } from './llama';
import { joinShards, parseShardName, rowShardSizes, shardName, shardParams, splitLike } from './shards';
import { generate } from './generate';
import { scoreTexts } from '../eval/score';
import { encodeParams, readTensors } from '../checkpoint/tensors';
import { decodeSafetensors } from '../checkpoint/safetensors';
import { Trainer } from '../train/trainer';
import { encodeRunState, restoreRunState } from '../train/loop';
import { MixtureSampler } from '../data/sampler';
import { tokenizeBytes } from '../data/tokens';
import { validateTrainSettings } from '../train/settings';
import type { Tokenizer } from '../tokenizer/tokenizer';

const VOCAB = 59; // 59 x 16 floats = 3776 bytes: four shards of 16, 16, 16 and 11 rows under 1024
const LIMIT = 1024;
const split: Kernels = { ...referenceKernels, bindingLimitBytes: LIMIT };
const make = (data: Float32Array, shape: number[]) => tf.tensor(data, shape);

function models(tied: boolean): { whole: LlamaModel; sharded: LlamaModel } {
  const whole = tinyModel({ vocab_size: VOCAB, tie_word_embeddings: tied, max_position_embeddings: 32 }, 2, 4);
  return { whole, sharded: { config: whole.config, params: shardParams(make, whole.params, LIMIT) } };
}

/** The model's own tensors in the sharded copy (not shared with the whole one), for disposal. */
function disposeBoth(m: { whole: LlamaModel; sharded: LlamaModel }): void {
  for (const [n, t] of Object.entries(m.sharded.params)) if (!m.whole.params[n]) t.dispose();
  disposeModel(m.whole);
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (x, i) => Math.abs(x - b[i])));

describe('row shard layout', () => {
  it('cuts rows under the limit and names shards after the weight', () => {
    expect(rowShardSizes(59, 16, 1024)).toEqual([16, 16, 16, 11]);
    expect(rowShardSizes(59, 16, 59 * 64)).toEqual([59]);
    // SmolLM2-135M grown x2: 49152 x 1152 float32 (226 MB) under WebGPU's default 128 MiB.
    expect(rowShardSizes(49152, 1152, 2 ** 27)).toEqual([29127, 20025]);
    expect(() => rowShardSizes(4, 300, 1024)).toThrow(/one row of 300 float32 values \(1200 bytes\) exceeds the GPU binding limit of 1024 bytes/);
    expect(parseShardName(shardName('lm_head.weight', 3))).toEqual({ base: 'lm_head.weight', index: 3 });
    expect(parseShardName('model.norm.weight')).toEqual({ base: 'model.norm.weight', index: null });
  });

  it('splits only the vocabulary weights over the limit, each shard within it, and joins them back on the CPU', async () => {
    for (const tied of [true, false]) {
      const m = models(tied);
      const head = tied ? [] : ['lm_head.weight'];
      for (const name of ['model.embed_tokens.weight', ...head]) {
        expect(m.sharded.params[name]).toBeUndefined();
        expect([0, 1, 2, 3].map((i) => m.sharded.params[shardName(name, i)].shape[0])).toEqual([16, 16, 16, 11]);
        expect(m.sharded.params[shardName(name, 4)]).toBeUndefined();
      }
      for (const [n, t] of Object.entries(m.sharded.params)) if (parseShardName(n).index !== null) expect(4 * t.size).toBeLessThanOrEqual(LIMIT);
      const joined = await readTensors(m.sharded.params);
      const original = await readTensors(m.whole.params);
      expect(joined.map((t) => t.name)).toEqual(original.map((t) => t.name));
      joined.forEach((t, i) => {
        expect(t.shape).toEqual(original[i].shape);
        expect(Array.from(t.data)).toEqual(Array.from(original[i].data));
      });
      expect(splitLike(original, m.sharded.params).map((t) => t.name)).toEqual(Object.keys(m.sharded.params));
      expect(joinShards(splitLike(original, m.sharded.params)).map((t) => t.data.length)).toEqual(original.map((t) => t.data.length));
      disposeBoth(m);
    }
  });
});

describe('a model in row shards computes what the whole model does', () => {
  for (const tied of [true, false]) {
    it(`logits, target log-probabilities, loss and gradients (${tied ? 'tied head' : 'untied head'})`, () => {
      const m = models(tied);
      const inputs = randomTokens(2, 12, VOCAB, 5);
      const targets = randomTokens(2, 12, VOCAB, 7);
      const mask = tf.tensor2d(Array.from({ length: 24 }, (_, i) => (i % 5 === 3 ? 0 : 1)), [2, 12]);
      const read = (f: () => tf.Tensor) => tf.tidy(() => f().dataSync());
      expect(maxAbsDiff(read(() => forward(m.sharded, inputs, split)), read(() => forward(m.whole, inputs, referenceKernels)))).toBeLessThan(1e-5);
      const lp = read(() => targetLogProbs(m.whole, inputs, targets, referenceKernels));
      expect(maxAbsDiff(read(() => targetLogProbs(m.sharded, inputs, targets, split)), lp)).toBeLessThan(1e-5);
      // The limit alone (weights whole, logits of 24 positions x 59 over 4000 bytes) tiles the positions.
      const tiled: Kernels = { ...referenceKernels, bindingLimitBytes: 4000 };
      expect(maxAbsDiff(read(() => targetLogProbs(m.whole, inputs, targets, tiled)), lp)).toBeLessThan(1e-5);

      // variableGrads keys by variable name; rebuild each model on variables to read its gradients by weight.
      const named = (model: LlamaModel, kernels: Kernels) => {
        const vars = Object.fromEntries(Object.entries(model.params).map(([n, t]) => [n, tf.variable(t, true)]));
        const { value, grads: g } = tf.variableGrads(() => lossOf({ config: model.config, params: vars }, inputs, targets, mask, kernels), Object.values(vars));
        const byName = Object.fromEntries(Object.entries(vars).map(([n, v]) => [n, { name: n, shape: v.shape, data: g[v.name].dataSync() as Float32Array }]));
        const loss = value.dataSync()[0];
        tf.dispose([value, ...Object.values(g), ...Object.values(vars)]);
        return { loss, grads: joinShards(Object.values(byName)) };
      };
      const a = named(m.whole, referenceKernels);
      const b = named(m.sharded, split);
      expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-5);
      expect(b.grads.map((g) => g.name)).toEqual(a.grads.map((g) => g.name));
      a.grads.forEach((g, i) => expect(maxAbsDiff(b.grads[i].data, g.data), g.name).toBeLessThan(1e-5));
      // Every shard gets a gradient: the embedding's rows of tokens in the last shard are not zero.
      const embed = b.grads.find((g) => g.name === 'model.embed_tokens.weight')!;
      expect(Math.max(...Array.from(embed.data.subarray(48 * 16), Math.abs))).toBeGreaterThan(1e-4);
      tf.dispose([inputs, targets, mask]);
      disposeBoth(m);
    });
  }

  it('generates the same tokens and scores texts the same', async () => {
    const letters: Tokenizer = {
      spec: { kind: 'byte' }, vocabSize: VOCAB, bos: 58, eos: 99, pad: 58,
      encode: (text) => Array.from(text, (ch) => ch.charCodeAt(0) - 65),
      decode: (ids) => Array.from(ids, (i) => String.fromCharCode(65 + i)).join(''),
    };
    const m = models(true);
    const options = { maxTokens: 12, temperature: 0.8, seed: 4 };
    const a = generate(m.whole, letters, 'HELLO', options, referenceKernels);
    const b = generate(m.sharded, letters, 'HELLO', options, split);
    expect(b.tokens).toEqual(a.tokens);
    const texts = ['ABCDEFG', 'zyx', 'HELLOWORLD', 'Q'];
    const sa = await scoreTexts(m.whole, letters, texts, referenceKernels);
    const sb = await scoreTexts(m.sharded, letters, texts, split);
    expect(maxAbsDiff(sb, sa)).toBeLessThan(1e-4);
    disposeBoth(m);
  });
});

describe('training a model in row shards', () => {
  const text = tokenizeBytes(new TextEncoder().encode('the cat sat on the mat. a dog ran home.\n'.repeat(20)));
  const ids = Int32Array.from(text.ids, (x) => x % VOCAB);
  const corpus = { ...text, ids };
  const trainers: Trainer[] = [];
  afterEach(() => {
    for (const t of trainers.splice(0)) t.dispose();
  });

  function trainer(sharded: boolean, tied: boolean): Trainer {
    const settings = validateTrainSettings({ from: 'm', data: [{ corpus: 'c', weight: 1 }], steps: 3, batchSize: 4, seqLen: 12, lr: 3e-3, clip: 1, microBatch: 2 }, { corpusIds: ['c'], maxPositionEmbeddings: 32 });
    const m = models(tied);
    const params = sharded ? m.sharded.params : m.whole.params;
    const t = new Trainer(m.whole.config, params, settings, new MixtureSampler([{ id: 'c', weight: 1, text: corpus }], 4, 12, 0, 0), sharded ? split : referenceKernels);
    disposeBoth(m); // the trainer holds its own variables
    trainers.push(t);
    return t;
  }

  for (const tied of [true, false]) {
    it(`steps, the saved checkpoint and a resumed run equal the whole model's (${tied ? 'tied' : 'untied'})`, async () => {
      const run = async (sharded: boolean) => {
        const t = trainer(sharded, tied);
        const steps = [await t.runStep(), await t.runStep()];
        const state = await encodeRunState(t);
        const saved = decodeSafetensors(await encodeParams(t.variables), 'saved').tensors;
        const names = Object.keys(t.variables);
        t.dispose();
        trainers.splice(trainers.indexOf(t), 1);
        const resumed = trainer(sharded, tied);
        restoreRunState(resumed, state, 2);
        steps.push(await resumed.runStep());
        resumed.dispose(); // variable names are global: the next run makes the same ones
        trainers.splice(trainers.indexOf(resumed), 1);
        return { steps, saved, names, stateTensors: decodeSafetensors(new Uint8Array(state), 'state').tensors.map((x) => x.name) };
      };
      const whole = await run(false);
      const sharded = await run(true);
      expect(sharded.names).toContain(shardName('model.embed_tokens.weight', 3));
      sharded.steps.forEach((s, i) => {
        expect(Math.abs(s.loss - whole.steps[i].loss)).toBeLessThan(1e-5);
        expect(Math.abs(s.gradNorm - whole.steps[i].gradNorm)).toBeLessThan(1e-5);
      });
      // What is saved and what a run state holds are in the architecture table's names only.
      expect(sharded.saved.map((t) => [t.name, t.shape])).toEqual(whole.saved.map((t) => [t.name, t.shape]));
      sharded.saved.forEach((t, i) => expect(maxAbsDiff(t.data, whole.saved[i].data), t.name).toBeLessThan(1e-5));
      expect(sharded.stateTensors).toEqual(whole.stateTensors);
    });
  }
});
