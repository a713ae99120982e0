// planTraining: the memory plan of a training request as the trainer runs it (recompute 'auto'
// resolved by recomputeMode.ts's rule), what it advises when the step does not fit, and the
// settings' validation studio.planMemory runs.
import { describe, expect, it } from 'vitest';
import { MODEL_PRESETS } from '../model/config';
import { activationFloats } from '../model/memory';
import { planMemory, planTraining, validatePlanSettings } from './memoryPlan';
import { RECOMPUTE_AUTO_ACTIVATION_BYTES, recomputeActivations } from './recomputeMode';

const config = MODEL_PRESETS.find((p) => p.id === 'base-1m')!.config;

describe('planTraining', () => {
  it('resolves recompute auto as the trainer does and plans that step', () => {
    // Find a batch on each side of auto's threshold rather than trusting one shape to be above it.
    const small = { batchSize: 1, microBatch: 0, recompute: 'auto' as const, seqLen: 16 };
    const big = { batchSize: 64, microBatch: 0, recompute: 'auto' as const, seqLen: 256 };
    expect(4 * activationFloats(config, 1, 16)).toBeLessThan(RECOMPUTE_AUTO_ACTIVATION_BYTES);
    expect(4 * activationFloats(config, 64, 256)).toBeGreaterThan(RECOMPUTE_AUTO_ACTIVATION_BYTES);
    const off = planTraining(config, small, {});
    const on = planTraining(config, big, {});
    expect(off.recompute).toMatchObject({ mode: 'auto', on: false });
    expect(on.recompute).toMatchObject({ mode: 'auto', on: true });
    expect(on.recompute.on).toBe(recomputeActivations('auto', config, 64, 256));
    expect(off.recompute.reason).toMatch(/^recompute auto: off, one pass's activation tensors are estimated at [\d.]+ MB \(the tape holds about 6\.5× that, [\d.]+ MB\), not above 256 MiB$/);
    expect(on.recompute.reason).toMatch(/^recompute auto: on, .* above 256 MiB$/);
    expect(on.chosen).toEqual(on.withRecompute);
    expect(off.chosen).toEqual(off.withoutRecompute);
    // The plan is planMemory's for the decision, nothing else.
    const direct = planMemory({ config, batchSize: 64, microBatch: 0, seqLen: 256, recompute: true }, {});
    expect(on.verdict).toBe(direct.verdict);
    expect(on.chosen.peak).toBe(direct.chosen.peak);
    // Micro-batches: auto decides on the rows of one pass, so 64 in passes of 1 at 16 tokens is off.
    expect(planTraining(config, { ...big, microBatch: 1, seqLen: 16 }, {}).recompute.on).toBe(false);
    expect(planTraining(config, { ...small, recompute: 'on' }, {}).recompute).toEqual({ mode: 'on', on: true, reason: 'recompute on, as set' });
  });

  it('advises only when the step does not fit, and says what would make it fit', () => {
    const input = { batchSize: 8, microBatch: 0, recompute: 'off' as const, seqLen: 256 };
    const roomy = planTraining(config, input, {});
    expect(roomy.fits).toBe(true);
    expect(roomy.advice).toBeUndefined();
    const between = { memoryBytes: (roomy.withRecompute.peak + roomy.withoutRecompute.peak) / 2 };
    const off = planTraining(config, input, between);
    expect(off.fits).toBe(false);
    expect(off.advice).toBe('recompute is off for this step; set it to on and the step fits');
    expect(planTraining(config, { ...input, recompute: 'on' }, between).advice).toBeUndefined();
    const tiny = { memoryBytes: roomy.withRecompute.peak / 2 };
    expect(planTraining(config, { ...input, recompute: 'on' }, tiny).advice).toMatch(/^a smaller micro-batch/);
    // One sequence a pass whose activations outweigh the update's peak: only a shorter sequence helps.
    const long = { ...config, max_position_embeddings: 1024 };
    const one = { ...input, batchSize: 1, recompute: 'on' as const, seqLen: 512 };
    const alone = planTraining(long, one, {});
    expect(alone.chosen.peak).toBeGreaterThan(20 * alone.weights);
    expect(planTraining(long, one, { memoryBytes: (alone.chosen.peak + 20 * alone.weights) / 2 }).advice).toBe('a shorter seq len lowers the activations');
    expect(planTraining(config, input, { memoryBytes: roomy.weights * 3 }).advice).toMatch(/^the weights, gradients and AdamW state alone reach [\d.]+ MB, more than [\d.]+ MB: no batch shape fits this model here$/);
    const narrow = planTraining(config, input, { maxBindingBytes: roomy.largestBuffer.bytes / 2 });
    expect(roomy.largestBuffer.name).toBe('attention scores');
    expect(narrow.advice).toBe('a smaller micro-batch shrinks attention scores (it holds every row of a pass)');
    // A weight held whole (not one the studio splits in row shards) too large for the binding limit: no batch shape helps.
    const wide = { ...config, intermediate_size: 8192 };
    const weight = planTraining(wide, { ...input, seqLen: 16 }, {});
    expect(weight.largestBuffer.name).toMatch(/^model\.layers\.\*\.mlp\./);
    expect(planTraining(wide, { ...input, seqLen: 16 }, { maxBindingBytes: weight.largestBuffer.bytes - 4 }).advice).toBe(`${weight.largestBuffer.name} is a weight of the model: no batch shape makes it fit on this GPU; use the CPU backend or a narrower model`);
  });

  it('validates the settings as studio.train does, filling microBatch and recompute', () => {
    expect(validatePlanSettings({ batchSize: 8, seqLen: 64 }, 128)).toEqual({ batchSize: 8, microBatch: 0, recompute: 'auto', seqLen: 64 });
    expect(() => validatePlanSettings({ batchSize: 8, seqLen: 256 }, 128)).toThrow('seqLen must be an integer from 2 to 128, got 256');
    expect(() => validatePlanSettings({ batchSize: 8, seqLen: 64, microBatch: 3 }, 128)).toThrow(/^microBatch must be .*divid.*got 3$/);
    expect(() => validatePlanSettings({ batchSize: 8, seqLen: 64, recompute: 'yes' }, 128)).toThrow('recompute must be one of auto, on, off, got "yes"');
    expect(() => validatePlanSettings({ seqLen: 64 }, 128)).toThrow(/^batchSize must be an integer from 1 to 4096, got undefined$/);
    expect(() => validatePlanSettings({ batchSize: 8, seqLen: 64, lr: 1 }, 128)).toThrow('unknown planMemory option(s) lr; allowed: batchSize, microBatch, recompute, seqLen');
  });
});
