// The WebAssembly backend against the CPU backend in Node (tfjs-backend-wasm runs there too,
// without threads): our two wasm kernels against tfjs's CPU kernels, the stock wasm OneHot as the
// control that shows why ours replaces it, and the tiny preset's loss, every gradient and a few
// training steps on both backends from the same seed and data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from './kernels';
import { checkBackendParity } from '../parity';
import { MODEL_PRESETS } from '../../core/model/config';
import { initialWeights } from '../../core/model/init';
import { referenceKernels } from '../../core/kernels';
import { Trainer, type StepResult } from '../../core/train/trainer';
import { validateTrainSettings } from '../../core/train/settings';
import { MixtureSampler } from '../../core/data/sampler';
import { tokenizeBytes } from '../../core/data/tokens';
import { mulberry32 } from '../../core/rng';

/** The stock wasm OneHot, kept before ours replaces it: the control of the OneHot test. */
let stockOneHot: tf.KernelConfig | undefined;

beforeAll(async () => {
  stockOneHot = tf.getKernel(tf.OneHot, 'wasm');
  registerWasmKernels();
  await tf.setBackend('wasm');
  await tf.ready();
});
afterAll(() => tf.setBackend('cpu'));

/** `f` on the CPU backend, its result read back, then back on wasm. */
async function onCpu<T>(f: () => Promise<T>): Promise<T> {
  await tf.setBackend('cpu');
  try {
    return await f();
  } finally {
    await tf.setBackend('wasm');
  }
}

/** The values of the tensor `f` makes, which is then disposed. */
async function read(f: () => tf.Tensor): Promise<tf.TypedArray> {
  const t = tf.tidy(f);
  const values = await t.data();
  t.dispose();
  return values;
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};

describe('wasm UnsortedSegmentSum', () => {
  const rand = mulberry32(7);
  const rows = 40;
  const x = Float32Array.from({ length: rows * 3 * 5 }, () => rand() * 2 - 1);
  // Repeated ids (each of 0..5 about 7 times, as a batch repeats tokens), a skipped segment (3),
  // and ids outside [0, 6), which the CPU backend ignores.
  const ids = Int32Array.from({ length: rows }, (_, r) => (r % 11 === 0 ? [-1, 6, 9, -4][r % 4] : [0, 1, 2, 4, 5][Math.floor(rand() * 5)]));

  const segmentSum = (xs: Float32Array | Int32Array, shape: number[], segmentIds: Int32Array, n: number) =>
    read(() => tf.unsortedSegmentSum(tf.tensor(xs, shape), tf.tensor1d(segmentIds, 'int32'), n));

  it('sums rows with repeated ids like tfjs CPU, over 1 and 2 inner axes, skipping ids out of range', async () => {
    for (const shape of [[rows, 15], [rows, 3, 5]]) {
      const ours = await segmentSum(x, shape, ids, 6);
      const cpu = await onCpu(() => segmentSum(x, shape, ids, 6));
      expect(maxAbsDiff(ours, cpu), `shape ${shape}`).toBeLessThan(1e-6);
      // Segment 3 has no row: zeros, not whatever the heap held.
      expect(Array.from(ours.slice(3 * 15, 4 * 15))).toEqual(new Array(15).fill(0));
    }
    // Segment 0 by hand: every row with id 0.
    const hand = new Float32Array(15);
    ids.forEach((id, r) => id === 0 && x.subarray(r * 15, r * 15 + 15).forEach((v, j) => (hand[j] += v)));
    expect(maxAbsDiff((await segmentSum(x, [rows, 15], ids, 6)).slice(0, 15), hand)).toBeLessThan(1e-6);
  });

  it('sums int32 values exactly, and refuses ids that are not one per row', async () => {
    const xi = Int32Array.from(x, (v) => Math.round(v * 100));
    const ours = await segmentSum(xi, [rows, 15], ids, 6);
    expect(Array.from(ours)).toEqual(Array.from(await onCpu(() => segmentSum(xi, [rows, 15], ids, 6))));
    expect(() => tf.unsortedSegmentSum(tf.zeros([4, 2]), tf.tensor1d([0, 1, 0], 'int32'), 2)).toThrow(/segmentIds must be 1-D with one id per row of x \(4\), got shape \[3\]/);
  });

  it("is tf.gather's gradient: the embedding gradient of a batch with repeated tokens matches CPU", async () => {
    const table = Float32Array.from({ length: 13 * 4 }, () => rand() - 0.5);
    const tokens = Int32Array.from({ length: 2 * 9 }, () => Math.floor(rand() * 5)); // 5 of 13 rows, repeated
    const weights = Float32Array.from({ length: 2 * 9 * 4 }, () => rand());
    const grad = () =>
      read(() => {
        const w = tf.tensor(weights, [2, 9, 4]);
        return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, tf.tensor(tokens, [2, 9], 'int32')), w)))(tf.tensor(table, [13, 4]));
      });
    expect(maxAbsDiff(await grad(), await onCpu(grad))).toBeLessThan(1e-6);
  });
});

describe('wasm OneHot', () => {
  const indices = Int32Array.from([0, 2, 5, -1, 3, 2]);
  const oneHot = (dtype: 'float32' | 'int32', on = 1, off = 0) => read(() => tf.oneHot(tf.tensor1d(indices, 'int32'), 4, on, off, dtype));

  it("the stock kernel is wrong for float32 (why ours replaces it): 1 reads back as the int 1's bits", () => {
    const backend = tf.backend();
    stockOneHot!.setupFunc?.(backend); // binds its C++ function, which the backend's start skipped
    const input = tf.tensor1d(indices, 'int32');
    const out = stockOneHot!.kernelFunc({ inputs: { indices: input }, attrs: { depth: 4, onValue: 1, offValue: 0, dtype: 'float32' }, backend }) as tf.TensorInfo;
    const values = backend.readSync(out.dataId) as Float32Array;
    backend.disposeData(out.dataId);
    input.dispose();
    expect(values[0]).not.toBe(1);
    expect(new Int32Array(Float32Array.from(values).buffer)[0]).toBe(1);
  });

  it('ours matches CPU for float32 and int32, other on/off values and indices out of range', async () => {
    for (const [dtype, on, off] of [['float32', 1, 0], ['int32', 1, 0], ['float32', 0.9, 0.025]] as const) {
      const ours = await oneHot(dtype, on, off);
      expect(Array.from(ours), `${dtype} ${on}/${off}`).toEqual(Array.from(await onCpu(() => oneHot(dtype, on, off))));
    }
  });
});

describe('the tiny preset on wasm and on CPU', () => {
  const config = MODEL_PRESETS.find((p) => p.id === 'tiny')!.config;

  it('has the same loss and gradients (checkBackendParity: the CPU reference on the CPU backend)', async () => {
    const r = await checkBackendParity(config, referenceKernels, 0, 4, 16);
    expect(r.backend).toBe('wasm');
    console.log(`tiny on wasm: loss ${r.loss.active} vs cpu ${r.loss.cpu}; largest gradient difference ${r.maxAbsGradDiff.toExponential(2)}`);
    expect(r.grads.length).toBe(initialWeights(config, 0).size);
    expect(Math.abs(r.loss.active - r.loss.cpu)).toBeLessThan(1e-5);
    expect(Math.abs(r.gradNorm.active - r.gradNorm.cpu) / r.gradNorm.cpu).toBeLessThan(1e-5);
    for (const g of r.grads) {
      expect(g.cpuNorm, g.name).toBeGreaterThan(0); // every tensor has a gradient, the embedding included
      expect(g.maxAbsDiff / g.cpuNorm, g.name).toBeLessThan(1e-5);
    }
  });

  it('trains alike: the same losses and gradient norms over 5 AdamW steps, with and without recompute', async () => {
    const text = tokenizeBytes(new TextEncoder().encode('the cat sat on the mat.\nthe dog sat on the log.\n'.repeat(20)));
    const train = async (recompute: 'on' | 'off') => {
      const params: Record<string, tf.Tensor> = {};
      for (const [n, w] of initialWeights(config, 5)) params[n] = tf.tensor(w.data, w.shape);
      const settings = validateTrainSettings(
        { from: 'x', data: [{ corpus: 'c', weight: 1 }], steps: 5, batchSize: 4, seqLen: 16, lr: 1e-2, warmupSteps: 1, schedule: 'constant', recompute },
        { corpusIds: ['c'], maxPositionEmbeddings: config.max_position_embeddings },
      );
      const trainer = new Trainer(config, params, settings, new MixtureSampler([{ id: 'c', weight: 1, text }], 4, 16, 0, 256), referenceKernels);
      Object.values(params).forEach((t) => t.dispose());
      const steps: StepResult[] = [];
      try {
        for (let i = 0; i < 5; i++) steps.push(await trainer.runStep());
      } finally {
        trainer.dispose();
      }
      return steps;
    };
    for (const recompute of ['off', 'on'] as const) {
      const wasm = await train(recompute);
      const cpu = await onCpu(() => train(recompute));
      console.log(`recompute ${recompute}: wasm losses ${wasm.map((s) => s.loss.toFixed(5)).join(' ')}; cpu ${cpu.map((s) => s.loss.toFixed(5)).join(' ')}`);
      for (let i = 0; i < 5; i++) {
        expect(Math.abs(wasm[i].loss - cpu[i].loss), `step ${i} loss`).toBeLessThan(1e-4);
        expect(Math.abs(wasm[i].gradNorm - cpu[i].gradNorm) / cpu[i].gradNorm, `step ${i} gradient norm`).toBeLessThan(1e-3);
      }
      expect(wasm[4].loss).toBeLessThan(wasm[0].loss - 0.5);
    }
  });
});

describe('wasm BatchMatMul', () => {
  const rand = mulberry32(11);
  const tensor = (shape: number[]) => Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rand() * 2 - 1);
  // [a shape, b shape] before transposes; large enough products take our path (2^20 multiply-adds).
  const cases: [number[], number[]][] = [
    [[128, 96], [96, 112]], // one product: our transposes, then XNNPACK
    [[5, 3], [3, 4]], // small
    [[3, 128, 96], [3, 96, 112]], // a batch split into single products
    [[3, 128, 96], [96, 112]], // b shared by the batch
    [[128, 96], [2, 2, 96, 112]], // a shared, two batch axes
    [[4, 16, 8], [4, 8, 16]], // a small batch: the stock loop
  ];
  it('matches CPU for every transpose and batch layout, the ones our path takes included', async () => {
    for (const [sa, sb] of cases) {
      for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]] as const) {
        const swap = (s: number[], t: boolean) => (t ? [...s.slice(0, -2), s[s.length - 1], s[s.length - 2]] : s);
        const [shapeA, shapeB] = [swap(sa, ta), swap(sb, tb)];
        const [da, db] = [tensor(shapeA), tensor(shapeB)];
        const product = () => read(() => tf.matMul(tf.tensor(da, shapeA), tf.tensor(db, shapeB), ta, tb));
        const held = tf.backend().numDataIds();
        const ours = await product();
        expect(tf.backend().numDataIds(), 'no buffer left behind in the heap').toBe(held);
        const cpu = await onCpu(product);
        const scale = Math.sqrt(sa[sa.length - 1]);
        expect(maxAbsDiff(ours, cpu) / scale, `${shapeA} x ${shapeB} transposeA ${ta} transposeB ${tb}`).toBeLessThan(1e-6);
      }
    }
  });
});
