// The memory planner against the measured peak of live bytes of real Trainer steps on tfjs's CPU
// backend (tf.profile's peakBytes, everything live included: weights, AdamW's moments, the tape),
// with and without recompute and with micro-batches; and its verdict as the device's limits shrink.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { referenceKernels } from '../kernels';
import { MixtureSampler } from '../data/sampler';
import { tokenizeBytes } from '../data/tokens';
import { tinyModel } from '../testing/fixtures';
import { MODEL_PRESETS, type LlamaConfig } from '../model/config';
import { size } from '../model/memory';
import { validateTrainSettings } from './settings';
import { Trainer } from './trainer';
import { FUSED_UPDATE_PEAK_WEIGHTS, planMemory, type PlanInput, UPDATE_PEAK_WEIGHTS } from './memoryPlan';

/**
 * The planner's figure is within this share of the measured peak, either way: issue 19's bar for
 * the 135M benchmark. The bytes are deterministic on the CPU backend; the twelve cases below
 * planned 0.90–1.09 of what they measured when TAPE_FACTOR was set.
 */
const TOLERANCE = 0.15;

const text = tokenizeBytes(new TextEncoder().encode('the cat sat.\na dog ran on the long road home.\nbirds sing at dawn.\n'.repeat(40)));

/** The peak of live bytes of a Trainer's second step (AdamW's moments exist from the first on). */
async function measuredPeak(shape: Partial<LlamaConfig>, batchSize: number, seqLen: number, microBatch: number, recompute: boolean): Promise<{ config: LlamaConfig; peak: number }> {
  const ctx = { corpusIds: ['c'], maxPositionEmbeddings: 64 };
  const settings = validateTrainSettings({ from: 'm', data: [{ corpus: 'c', weight: 1 }], steps: 3, batchSize, seqLen, lr: 1e-3, microBatch, recompute: recompute ? 'on' : 'off' }, ctx);
  const model = tinyModel({ vocab_size: 259, max_position_embeddings: 64, ...shape });
  const before = tf.memory().numBytes;
  const t = new Trainer(model.config, model.params, settings, new MixtureSampler([{ id: 'c', weight: 1, text }], batchSize, seqLen, 0, 256), referenceKernels);
  for (const p of Object.values(model.params)) p.dispose();
  await t.runStep();
  const info = await tf.profile(async () => {
    await t.runStep();
  });
  t.dispose();
  return { config: model.config, peak: info.peakBytes - before };
}

describe('memory planner', () => {
  const shapes: [string, Partial<LlamaConfig>, number, number][] = [
    ['6 layers, d=32', { num_hidden_layers: 6, hidden_size: 32, intermediate_size: 96 }, 8, 32],
    ['4 layers, d=64, 4/2 heads, untied', { num_hidden_layers: 4, hidden_size: 64, intermediate_size: 160, num_attention_heads: 4, num_key_value_heads: 2, tie_word_embeddings: false }, 4, 64],
    ['3 layers, d=48, 4/1 heads, GeGLU', { num_hidden_layers: 3, hidden_size: 48, intermediate_size: 128, num_attention_heads: 4, num_key_value_heads: 1, hidden_act: 'gelu' }, 8, 48],
  ];
  for (const [label, shape, batchSize, seqLen] of shapes) {
    for (const [microBatch, recompute] of [[0, false], [0, true], [2, false], [2, true]] as const) {
      it(`plans a Trainer step's measured peak within ±${TOLERANCE * 100} %: ${label}, ${batchSize} × ${seqLen}, microBatch ${microBatch}, recompute ${recompute ? 'on' : 'off'}`, async () => {
        const { config, peak } = await measuredPeak(shape, batchSize, seqLen, microBatch, recompute);
        const plan = planMemory({ config, batchSize, microBatch, seqLen, recompute }, {});
        const ratio = plan.chosen.peak / peak;
        console.log(`${label}, ${batchSize} x ${seqLen}, microBatch ${microBatch}, recompute ${recompute}: measured peak ${peak} B, planned ${Math.round(plan.chosen.peak)} B (${ratio.toFixed(2)}x; weights ${plan.weights}, activations planned ${Math.round(plan.chosen.activations)})`);
        expect(ratio).toBeGreaterThan(1 - TOLERANCE);
        expect(ratio).toBeLessThan(1 + TOLERANCE);
      });
    }
  }

  describe('verdict', () => {
    const config = MODEL_PRESETS.find((p) => p.id === 'base-1m')!.config;
    const input: PlanInput = { config, batchSize: 8, microBatch: 0, seqLen: 256, recompute: true };
    const plan = planMemory(input, {});

    it('plans less with recompute, less again with micro-batches, and states the parts', () => {
      expect(plan.withRecompute.peak).toBeLessThan(plan.withoutRecompute.peak);
      expect(plan.optimizer).toBe(2 * plan.weights);
      expect(plan.gradients).toBe(plan.weights);
      const micro = planMemory({ ...input, microBatch: 2 }, {});
      expect(micro.rows).toBe(2);
      expect(micro.gradients).toBe(3 * micro.weights); // the sum so far, the pass's own and the new sum
      expect(micro.withoutRecompute.peak).toBeLessThan(plan.withoutRecompute.peak);
      expect(micro.verdict).toMatch(/^batch 8 × 256 in passes of 2 /);
    });

    it('flips from fitting without recompute, to only with it, to not at all, as the memory shrinks', () => {
      const on = plan.withRecompute.peak;
      const off = plan.withoutRecompute.peak;
      const roomy = planMemory({ ...input, recompute: false }, { memoryBytes: 2 * off });
      expect(roomy.fits).toBe(true);
      expect(roomy.verdict).toMatch(/^batch 8 × 256 fits without recompute \(peak [\d.]+ [MG]B\); with it [\d.]+ [MG]B$/);
      const between = { memoryBytes: (on + off) / 2 };
      const tight = planMemory(input, between);
      expect(tight.fits).toBe(true);
      expect(tight.verdict).toMatch(/^batch 8 × 256 fits with recompute \(peak [\d.]+ [MG]B\); without it [\d.]+ [MG]B does not$/);
      expect(planMemory({ ...input, recompute: false }, between).fits).toBe(false); // the setting asked for does not fit
      const small = planMemory(input, { memoryBytes: on / 2 });
      expect(small.fits).toBe(false);
      expect(small.verdict).toMatch(/^batch 8 × 256 does not fit: peak .* with recompute, .* without, more than .*navigator\.deviceMemory/);
      console.log([roomy, tight, small].map((p) => p.verdict).join('\n'));
    });

    it('plans the fused update (WebGPU) without the tfjs update\'s temporaries: a 135M step is its pass, not 20 weights', () => {
      const smol = { ...config, hidden_size: 576, intermediate_size: 1536, num_hidden_layers: 30, num_attention_heads: 9, num_key_value_heads: 3, vocab_size: 49152 };
      const shape = { config: smol, batchSize: 2, seqLen: 32, microBatch: 1, recompute: true };
      const tfjs = planMemory(shape, {});
      const fused = planMemory({ ...shape, fusedUpdate: true }, {});
      expect(tfjs.update).toBe(UPDATE_PEAK_WEIGHTS * tfjs.weights);
      expect(tfjs.chosen.peak).toBe(tfjs.update); // the update dominates on tfjs's ops
      expect(fused.update).toBe(FUSED_UPDATE_PEAK_WEIGHTS * fused.weights);
      expect(fused.chosen.peak).toBe(fused.weights + fused.gradients + fused.optimizer + fused.chosen.activations);
      expect(fused.chosen.peak).toBeLessThan(tfjs.chosen.peak / 3);
    });

    it('splits the logits and a vocabulary weight over the limit, and says so', () => {
      const vocab = { ...config, vocab_size: 49152, hidden_size: 1152 };
      const p = planMemory({ ...input, config: vocab, batchSize: 1, seqLen: 64 }, { maxBindingBytes: 2 ** 27 });
      expect(p.split.map((x) => [x.name, x.parts, x.how])).toEqual([['model.embed_tokens.weight', 2, 'row shards']]);
      expect(p.largestBuffer.fits).toBe(true);
      expect(p.verdict).toContain('split: model.embed_tokens.weight [49152, 1152] (226.5 MB) into 2 row shards');
      const logits = planMemory({ ...input, config: vocab, batchSize: 8, seqLen: 256 }, { maxBindingBytes: 2 ** 27 });
      expect(logits.split.map((x) => x.name)).toEqual(['model.embed_tokens.weight', 'logits']);
      console.log(p.verdict);
    });

    it('holds the largest buffer held whole against maxStorageBufferBindingSize', () => {
      const b = plan.largestBuffer;
      expect(planMemory(input, { maxBindingBytes: b.bytes }).largestBuffer.fits).toBe(true);
      const narrow = planMemory(input, { maxBindingBytes: b.bytes / 2, maxBufferBytes: 2 * b.bytes });
      expect(narrow.fits).toBe(false);
      expect(narrow.verdict).toContain(`${b.name} [${b.shape.join(', ')}]`);
      expect(narrow.verdict).toContain(`; but ${b.name}`);
      expect(narrow.verdict.endsWith(`more than this GPU allows (${size(b.bytes / 2)}, maxStorageBufferBindingSize), so the step does not run here`)).toBe(true);
      console.log(narrow.verdict);
    });
  });
});
