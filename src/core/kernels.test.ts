// The Kernels value reaches every computation it is passed to, and only that one: two values used
// in turn in one process never see each other (no module-level hook decides), so a parity check is
// the same call with two values. Also: the core and the GPU code keep no module-level mutable state.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { referenceKernels, type Kernels } from './kernels';
import { forward, lossOf } from './model/llama';
import { randomTokens, tinyConfig, tinyModel, disposeModel } from './testing/fixtures';
import { Trainer } from './train/trainer';
import { validateTrainSettings } from './train/settings';
import { MixtureSampler } from './data/sampler';
import { tokenizeBytes } from './data/tokens';
import { ByteTokenizer } from './tokenizer/byte';
import { initialWeights } from './model/init';
import { scoreTexts } from './eval/score';
import { planMerge, runMerge } from './merge/merge';
import { weightSpecs } from './model/weights';
import type { FusedAdamWStep } from './train/adamw';

/** The reference with every entry counted, by name. */
function counting(): { kernels: Kernels; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const count = <F extends (...a: never[]) => unknown>(name: string, f: F): F => ((...a: Parameters<F>) => ((calls[name] = (calls[name] ?? 0) + 1), f(...a))) as F;
  const model = Object.fromEntries(Object.entries(referenceKernels.model).map(([k, f]) => [k, count(k, f)])) as unknown as Kernels['model'];
  return { calls, kernels: { name: 'counting', model, globalNorm: count('globalNorm', referenceKernels.globalNorm), mergeTaskVectors: count('mergeTaskVectors', referenceKernels.mergeTaskVectors) } };
}

describe('Kernels as a value', () => {
  it('forward computes with the value it is given, and the next call with another value is unaffected', () => {
    const model = tinyModel({ vocab_size: 50, num_hidden_layers: 2 });
    const tokens = randomTokens(2, 6, 50);
    // A value whose linear layers double their output: visible in the logits only where passed.
    const doubled: Kernels = { ...referenceKernels, name: 'doubled', model: { ...referenceKernels.model, linear: (x, w) => tf.mul(referenceKernels.model.linear(x, w), 2) } };
    const { kernels, calls } = counting();
    const [a, b, c] = tf.tidy(() => [forward(model, tokens, referenceKernels), forward(model, tokens, doubled), forward(model, tokens, kernels)].map((t) => t.dataSync()));
    expect(Math.max(...a.map((v, i) => Math.abs(v - c[i])))).toBe(0);
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeGreaterThan(1e-3);
    // Per layer: q, k, v, o, gate, up, down; plus the head. Two norms per layer plus the final one.
    expect(calls.linear).toBe(2 * 7 + 1);
    expect(calls.rmsNorm).toBe(2 * 2 + 1);
    expect(calls.rope).toBe(2 * 2);
    expect(calls.causalAttention).toBe(2);
    expect(calls.swiglu).toBe(2);
    tf.tidy(() => lossOf(model, tokens, tokens, tf.ones([2, 6]) as tf.Tensor2D, kernels));
    expect(calls.targetLogProbs).toBe(1);
    disposeModel(model);
    tokens.dispose();
  });

  it('the Trainer takes the gradient norm and the fused AdamW of its value; scoring its model ops', async () => {
    const config = tinyConfig({ vocab_size: 259, max_position_embeddings: 16 });
    const params = Object.fromEntries([...initialWeights(config, 0)].map(([n, w]) => [n, tf.tensor(w.data, w.shape)]));
    const text = tokenizeBytes(new TextEncoder().encode('abc abd abe\n'.repeat(30)));
    const settings = validateTrainSettings({ from: 'x', data: [{ corpus: 'c', weight: 1 }], steps: 2, batchSize: 2, seqLen: 8, lr: 1e-2, clip: 1 }, { corpusIds: ['c'], maxPositionEmbeddings: 16 });
    const { kernels, calls } = counting();
    let fusedItems = 0;
    // A fused step that does the stock update itself, so the run stays correct.
    const fused: FusedAdamWStep = (items, h, clip) => {
      fusedItems += items.length;
      const scale = clip ? Math.min(1, clip.maxNorm / (clip.norm.dataSync()[0] + 1e-6)) : 1;
      for (const it of items) {
        it.m.assign(tf.add(tf.mul(it.m, h.beta1), tf.mul(tf.mul(it.g, scale), 1 - h.beta1)));
        it.v.assign(tf.add(tf.mul(it.v, h.beta2), tf.mul(tf.square(tf.mul(it.g, scale)), 1 - h.beta2)));
        it.p.assign(tf.sub(it.p, tf.mul(tf.div(tf.div(it.m, h.bc1), tf.add(tf.sqrt(tf.div(it.v, h.bc2)), h.eps)), h.lr)));
      }
    };
    const trainer = new Trainer(config, params, settings, new MixtureSampler([{ id: 'c', weight: 1, text }], 2, 8, 0, 256), { ...kernels, adamW: fused });
    const r = await trainer.runStep();
    expect(Number.isFinite(r.loss)).toBe(true);
    expect(calls.globalNorm).toBe(1);
    expect(fusedItems).toBe(Object.keys(params).length);
    expect(calls.linear).toBeGreaterThan(0);
    const before = calls.targetLogProbs;
    await scoreTexts(trainer.model, new ByteTokenizer(), ['abc', 'abd abe'], kernels);
    expect(calls.targetLogProbs).toBeGreaterThan(before);
    trainer.dispose();
    tf.dispose(Object.values(params));
  });

  it('runMerge merges task vectors with the value it is given, once per tensor', async () => {
    const config = tinyConfig({ vocab_size: 20, num_hidden_layers: 1 });
    const specs = weightSpecs(config);
    const read = (k: number) => async (name: string) => {
      const s = specs.find((x) => x.name === name)!;
      return Float32Array.from({ length: s.shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * (k + 1)));
    };
    const plan = planMerge({ method: 'ties', base: 'b', models: [{ id: 'x', density: 0.5 }, { id: 'y', density: 0.5 }] });
    const { kernels, calls } = counting();
    const out: Float32Array[] = [];
    await runMerge(plan, config, { base: read(0), models: [read(1), read(2)] }, kernels, (_n, _s, d) => out.push(d), () => undefined);
    expect(calls.mergeTaskVectors).toBe(specs.length);
    const reference: Float32Array[] = [];
    await runMerge(plan, config, { base: read(0), models: [read(1), read(2)] }, referenceKernels, (_n, _s, d) => reference.push(d), () => undefined);
    expect(out).toEqual(reference);
  });
});

describe('no module-level kernel state', () => {
  // tfjs's backend registry is process-wide: the two modules that register into it
  // (tfjsInternals.ts: the webgpu factory and the device it made; wasm/setup.ts: binary paths
  // tfjs accepts once) mirror that registration. Nothing a kernel reads lives anywhere else.
  const REGISTRATION_STATE = [join('src', 'gpu', 'tfjsInternals.ts'), join('src', 'gpu', 'wasm', 'setup.ts')];
  it('src/core and src/gpu declare no module-level let (no hook a setter could swap)', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.tsx?$/.test(f) && !f.endsWith('.test.ts') && !REGISTRATION_STATE.includes(p)) {
          readFileSync(p, 'utf8').split('\n').forEach((line, i) => {
            if (/^(export )?let /.test(line)) offenders.push(`${p}:${i + 1}: ${line}`);
          });
        }
      }
    };
    walk(join('src', 'core'));
    walk(join('src', 'gpu'));
    expect(offenders).toEqual([]);
  });
});
