// Gradient accumulation (settings.microBatch): a step in passes of microBatch rows is the same
// optimizer step as one pass over the batch (loss, gradient norm, parameters to float rounding),
// clipping sees the accumulated gradient, snapshots resume exactly, metric points count optimizer
// steps with the batch's tokens and FLOPs, nothing leaks, the step's peak memory falls with the
// pass, and a microBatch that does not divide the batch is refused with the rule in words.
import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { referenceKernels } from '../kernels';
import { MixtureSampler } from '../data/sampler';
import { tokenizeBytes } from '../data/tokens';
import { tinyModel } from '../testing/fixtures';
import { settingErrors } from '../params';
import { ADAPT_SETTINGS } from './adapt';
import { TRAIN_SETTINGS, trainSchemaContext, validateTrainSettings, type MetricPoint } from './settings';
import { Trainer, type StepResult } from './trainer';
import { encodeRunState, restoreRunState, RunControl, runTrainingLoop, type TrainLoopEvent } from './loop';

const BATCH = 8;
const SEQ = 16;
const ctx = { corpusIds: ['c'], maxPositionEmbeddings: 32 };
const text = tokenizeBytes(new TextEncoder().encode('the cat sat.\na dog ran on the long road home.\nhi.\nbirds sing in the old oak tree at dawn.\n'.repeat(30)));
const trainers: Trainer[] = [];
afterEach(() => {
  for (const t of trainers.splice(0)) t.dispose();
});

/**
 * Training windows count every token; this sampler counts only the first 2 (r + 1) targets of
 * row r, so passes hold different numbers of counted tokens and a plain mean of the passes'
 * losses would be wrong (the weighting by tokens is what makes accumulation exact).
 */
class UnevenSampler extends MixtureSampler {
  override batch(step: number): ReturnType<MixtureSampler['batch']> {
    const b = super.batch(step);
    for (let r = 0; r < b.batchSize; r++) b.mask.fill(0, r * b.seqLen + Math.min(2 * (r + 1), b.seqLen), (r + 1) * b.seqLen);
    return b;
  }
}

function trainer(over: Record<string, unknown> = {}, Sampler = MixtureSampler): Trainer {
  const settings = validateTrainSettings({ from: 'm', data: [{ corpus: 'c', weight: 1 }], steps: 4, batchSize: BATCH, seqLen: SEQ, lr: 1e-3, clip: 0, ...over }, ctx);
  const model = tinyModel({ vocab_size: 259, max_position_embeddings: 32 });
  const t = new Trainer(model.config, model.params, settings, new Sampler([{ id: 'c', weight: 1, text }], BATCH, SEQ, settings.seed, 256), referenceKernels);
  for (const p of Object.values(model.params)) p.dispose(); // the trainer holds its own variables
  trainers.push(t);
  return t;
}

/** The trainer's parameters as plain arrays, by name. */
const values = (t: Trainer) => Object.fromEntries(Object.entries(t.variables).map(([n, v]) => [n, Array.from(v.dataSync())]));

/** Runs `steps` steps of a fresh trainer with `over`, then disposes it (variable names are global): results and final parameters. */
async function run(steps: number, over: Record<string, unknown>, Sampler = MixtureSampler): Promise<{ results: StepResult[]; params: Record<string, number[]> }> {
  const t = trainer(over, Sampler);
  const results: StepResult[] = [];
  for (let i = 0; i < steps; i++) results.push(await t.runStep());
  const params = values(t);
  trainers.splice(trainers.indexOf(t), 1);
  t.dispose();
  return { results, params };
}

function expectSameRun(a: Awaited<ReturnType<typeof run>>, b: Awaited<ReturnType<typeof run>>): void {
  expect(b.results.length).toBe(a.results.length);
  a.results.forEach((r, i) => {
    expect(b.results[i].step).toBe(r.step);
    expect(Math.abs(b.results[i].loss - r.loss), `loss of step ${r.step}`).toBeLessThan(1e-5);
    expect(Math.abs(b.results[i].gradNorm - r.gradNorm), `gradient norm of step ${r.step}`).toBeLessThan(1e-5);
  });
  for (const [name, w] of Object.entries(a.params)) {
    const worst = w.reduce((m, x, i) => Math.max(m, Math.abs(x - b.params[name][i])), 0);
    expect(worst, name).toBeLessThan(1e-5);
  }
}

describe('gradient accumulation', () => {
  it('microBatch = batch / 4 gives the same losses, gradient norms and parameters after 4 steps as one pass', async () => {
    const whole = await run(4, {});
    expectSameRun(whole, await run(4, { microBatch: BATCH / 4 }));
    expectSameRun(await run(4, {}, UnevenSampler), await run(4, { microBatch: BATCH / 4 }, UnevenSampler));
    // The parameters moved, so the comparison is not of two untouched models.
    const init = tinyModel({ vocab_size: 259, max_position_embeddings: 32 });
    const moved = Object.entries(init.params).some(([n, p]) => p.dataSync().some((x, i) => Math.abs(x - whole.params[n][i]) > 1e-4));
    for (const p of Object.values(init.params)) p.dispose();
    expect(moved).toBe(true);
    // microBatch equal to the batch is one pass, exactly as 0.
    expect(await run(2, { microBatch: BATCH })).toEqual(await run(2, { microBatch: 0 }));
  });

  it('clips the accumulated gradient, not each pass', async () => {
    const clip = 0.05;
    const whole = await run(3, { clip });
    expect(Math.min(...whole.results.map((r) => r.gradNorm))).toBeGreaterThan(clip * 4); // clipping acts on every step
    expectSameRun(whole, await run(3, { clip, microBatch: 2 }));
    // Clipping each pass instead would change the step: the unclipped run differs from the clipped one here.
    const unclipped = await run(3, {});
    expect(Math.max(...Object.entries(unclipped.params).map(([n, w]) => w.reduce((m, x, i) => Math.max(m, Math.abs(x - whole.params[n][i])), 0)))).toBeGreaterThan(1e-5);
  });

  it('a snapshot taken between accumulated steps resumes exactly', async () => {
    const straight = await run(4, { microBatch: 2 });
    const first = trainer({ microBatch: 2 });
    for (let i = 0; i < 2; i++) await first.runStep();
    const state = await encodeRunState(first);
    trainers.splice(trainers.indexOf(first), 1);
    first.dispose();
    const resumed = trainer({ microBatch: 2 });
    restoreRunState(resumed, state, 2);
    const results: StepResult[] = [];
    for (let i = 0; i < 2; i++) results.push(await resumed.runStep());
    expect(results).toEqual(straight.results.slice(2));
    expect(values(resumed)).toEqual(straight.params);
  });

  it('metric points count optimizer steps, with the tokens and FLOPs of whole batches', async () => {
    const t = trainer({ microBatch: 2, steps: 3 });
    const events: TrainLoopEvent[] = [];
    let clock = 0;
    await runTrainingLoop(t, { emit: (e) => void events.push(e), now: () => clock++ }, new RunControl(), { flopsPerStep: 1000 });
    const points = events.flatMap((e): MetricPoint[] => (e.type === 'trainMetrics' ? e.points : []));
    expect(points.map((p) => [p.step, p.tokens, p.flops])).toEqual([1, 2, 3].map((s) => [s, s * BATCH * SEQ, s * 1000]));
    expect(events.at(-1)).toMatchObject({ type: 'trainFinished', status: 'completed', step: 3, tokens: 3 * BATCH * SEQ });
  });

  it('leaks no tensor across accumulated steps', async () => {
    const t = trainer({ microBatch: 2, steps: 6 });
    const counts: number[] = [];
    for (let i = 0; i < 6; i++) {
      await t.runStep();
      counts.push(tf.memory().numTensors);
    }
    // Step 1 creates AdamW's moments; from then on the count is flat.
    expect(new Set(counts.slice(1)).size).toBe(1);
  });
});

describe('what accumulation is for', () => {
  it("holds one pass's activations at a time: the step's peak memory above the resting tensors falls with the pass", async () => {
    const peak = async (microBatch: number) => {
      const t = trainer({ microBatch });
      await t.runStep(); // AdamW's moments exist from the first step on
      const resting = tf.memory().numBytes;
      const info = await tf.profile(async () => void (await t.runStep()));
      trainers.splice(trainers.indexOf(t), 1);
      t.dispose();
      return info.peakBytes - resting;
    };
    const whole = await peak(0);
    // 8 rows in one pass, then in four passes of 2 (measured: 4.36 MB, 1.21 MB on the cpu backend).
    expect(await peak(2)).toBeLessThan(whole / 2);
  });
});

describe('microBatch setting', () => {
  const ok = { from: 'm', data: [{ corpus: 'c', weight: 1 }], steps: 4, batchSize: BATCH, seqLen: SEQ, lr: 1e-3 };
  it('defaults to 0 (one pass) and accepts a divisor of the batch size', () => {
    expect(validateTrainSettings(ok, ctx).microBatch).toBe(0);
    for (const m of [1, 2, 4, 8]) expect(validateTrainSettings({ ...ok, microBatch: m }, ctx).microBatch).toBe(m);
  });
  it('refuses one that does not divide the batch, or is larger than it, saying the rule', () => {
    const rule = /microBatch must be an integer from 0 to 8 that is 0 or divides batch size \(8\), got 3/;
    expect(() => validateTrainSettings({ ...ok, microBatch: 3 }, ctx)).toThrow(rule);
    expect(() => validateTrainSettings({ ...ok, microBatch: 16 }, ctx)).toThrow(/microBatch must be an integer from 0 to 8 that is 0 or divides batch size \(8\), got 16/);
    expect(() => validateTrainSettings({ ...ok, microBatch: -2 }, ctx)).toThrow(/microBatch must be an integer from 0 to 8/);
    expect(() => validateTrainSettings({ ...ok, microBatch: 1.5 }, ctx)).toThrow(/microBatch must be an integer/);
  });
  it("the Train and Adapt forms show the same rule under the field, against the form's batch size", () => {
    const sc = trainSchemaContext(ctx);
    expect(settingErrors(TRAIN_SETTINGS, { ...ok, microBatch: 3 }, sc).microBatch).toBe('must be an integer from 0 to 8 that is 0 or divides batch size (8)');
    expect(settingErrors(TRAIN_SETTINGS, { ...ok, batchSize: 12, microBatch: 3 }, sc).microBatch).toBeUndefined();
    expect(settingErrors(ADAPT_SETTINGS, { target: 'c', batchSize: 6, seqLen: SEQ, lr: 1e-3, microBatch: 4 }, sc).microBatch).toMatch(/divides batch size \(6\)/);
  });
});
