// The `recompute` training setting: what 'auto' decides, and a Trainer step with recompute on is
// the step with it off (loss, gradient norm and parameters after AdamW), alone and with
// micro-batches, with no tensor left behind across steps, and a lower peak of live bytes.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { referenceKernels } from '../kernels';
import { MixtureSampler } from '../data/sampler';
import { tokenizeBytes } from '../data/tokens';
import { tinyModel } from '../testing/fixtures';
import { MODEL_PRESETS, type LlamaConfig } from '../model/config';
import { activationFloats } from '../model/memory';
import { validateTrainSettings } from './settings';
import { Trainer, type StepResult } from './trainer';
import { RECOMPUTE_AUTO_ACTIVATION_BYTES, recomputeActivations } from './recomputeMode';

const preset = (id: string) => MODEL_PRESETS.find((p) => p.id === id)!.config;

describe('recompute mode', () => {
  it("'auto' turns recompute on exactly when a pass's estimated activations exceed the threshold", () => {
    const c = preset('base-1m');
    const bytes = (rows: number, seq: number) => 4 * activationFloats(c, rows, seq);
    // The forms' 8 x 64 stays off; rows enough to pass the threshold turn it on.
    expect(bytes(8, 64)).toBeLessThan(RECOMPUTE_AUTO_ACTIVATION_BYTES);
    expect(recomputeActivations('auto', c, 8, 64)).toBe(false);
    const rows = Math.ceil(RECOMPUTE_AUTO_ACTIVATION_BYTES / bytes(1, 64)) + 1;
    expect(bytes(rows, 64)).toBeGreaterThan(RECOMPUTE_AUTO_ACTIVATION_BYTES);
    expect(recomputeActivations('auto', c, rows, 64)).toBe(true);
    expect(recomputeActivations(undefined, c, rows, 64)).toBe(true); // runs made before the setting
    expect(recomputeActivations('off', c, rows, 64)).toBe(false);
    expect(recomputeActivations('on', c, 1, 2)).toBe(true);
  });

  it('is a training setting with default auto, and refuses other values', () => {
    const ctx = { corpusIds: ['c'], maxPositionEmbeddings: 32 };
    const base = { from: 'm', data: [{ corpus: 'c', weight: 1 }], steps: 2, batchSize: 2, seqLen: 8, lr: 1e-3 };
    expect(validateTrainSettings(base, ctx).recompute).toBe('auto');
    expect(validateTrainSettings({ ...base, recompute: 'on' }, ctx).recompute).toBe('on');
    expect(() => validateTrainSettings({ ...base, recompute: 'yes' }, ctx)).toThrow(/recompute/);
  });
});

describe('Trainer with recompute', () => {
  const text = tokenizeBytes(new TextEncoder().encode('the cat sat.\na dog ran on the long road home.\nbirds sing at dawn.\n'.repeat(20)));
  const ctx = { corpusIds: ['c'], maxPositionEmbeddings: 32 };

  function trainer(over: Record<string, unknown>, shape: Partial<LlamaConfig>, batchSize: number, seqLen: number): Trainer {
    const settings = validateTrainSettings({ from: 'm', data: [{ corpus: 'c', weight: 1 }], steps: 3, batchSize, seqLen, lr: 1e-2, ...over }, ctx);
    const model = tinyModel({ vocab_size: 259, max_position_embeddings: 32, ...shape });
    const t = new Trainer(model.config, model.params, settings, new MixtureSampler([{ id: 'c', weight: 1, text }], batchSize, seqLen, 0, 256), referenceKernels);
    for (const p of Object.values(model.params)) p.dispose(); // the trainer holds its own variables
    return t;
  }

  async function run(over: Record<string, unknown>): Promise<{ results: StepResult[]; params: Record<string, Float32Array>; tensors: number[] }> {
    const t = trainer(over, { num_hidden_layers: 3, tie_word_embeddings: false }, 4, 12);
    const results: StepResult[] = [];
    const tensors: number[] = [];
    for (let i = 0; i < 3; i++) {
      results.push(await t.runStep());
      tensors.push(tf.memory().numTensors);
    }
    const params = Object.fromEntries(Object.entries(t.variables).map(([n, v]) => [n, v.dataSync() as Float32Array]));
    t.dispose();
    return { results, params, tensors };
  }

  for (const microBatch of [0, 2]) {
    it(`steps as without it (microBatch ${microBatch}), nothing left across steps`, async () => {
      const off = await run({ recompute: 'off', microBatch });
      const on = await run({ recompute: 'on', microBatch });
      for (let i = 0; i < 3; i++) {
        expect(on.results[i].loss).toBeCloseTo(off.results[i].loss, 5);
        expect(on.results[i].gradNorm).toBeCloseTo(off.results[i].gradNorm, 5);
      }
      expect(new Set(on.tensors).size).toBe(1);
      for (const [name, p] of Object.entries(off.params)) {
        const q = on.params[name];
        let diff = 0;
        for (let j = 0; j < p.length; j++) diff = Math.max(diff, Math.abs(p[j] - q[j]));
        expect(diff, name).toBeLessThan(1e-5);
      }
    });
  }

  it('lowers the peak of live bytes of a training step (AdamW included)', async () => {
    const peak = async (recompute: string) => {
      const t = trainer({ recompute }, { num_hidden_layers: 6, hidden_size: 32, intermediate_size: 96 }, 4, 32);
      await t.runStep(); // AdamW's moments exist from the first step on
      const held = tf.memory().numBytes;
      const info = await tf.profile(async () => {
        await t.runStep();
      });
      t.dispose();
      return info.peakBytes - held;
    };
    const off = await peak('off');
    const on = await peak('on');
    console.log(`peak bytes above weights and AdamW state, one training step (6 layers, d=32, 4 x 32 tokens): recompute off ${off}, on ${on} (${(on / off).toFixed(2)}x)`);
    expect(on).toBeLessThan(0.6 * off);
  });
});
