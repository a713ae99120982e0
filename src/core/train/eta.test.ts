// The ETA against the training loop itself, on a fake clock: steps and evaluations take known
// times, so the time a run really had left after each point is known exactly and the ETA made
// from the points must match it (the case: an evaluation-heavy run whose old ETA left
// the evaluations out and said 7 s with 20 s to go).
import { describe, expect, it } from 'vitest';
import { RunControl, runTrainingLoop, type TrainLoopEvent, type TrainLoopPort } from './loop';
import { validateTrainSettings, type MetricPoint } from './settings';
import type { Trainer } from './trainer';
import { evaluationsLeft, runEta, type RunShape, secondsPerStep } from './eta';

interface FakeRun {
  steps: number;
  evalEvery: number;
  stepMs: number;
  evalMs: number;
  /** Called after each step with the fake clock, e.g. to pause the run. */
  afterStep?: (step: number, control: RunControl, port: { clock: number }) => void;
}

/**
 * Runs the real loop with a trainer whose steps only move the clock, and returns every point and
 * the clock (ms) at the end.
 */
async function fakeRun(r: FakeRun): Promise<{ points: MetricPoint[]; end: number }> {
  const settings = validateTrainSettings({ from: 'm', data: [{ corpus: 'c', weight: 1 }], steps: r.steps, batchSize: 2, seqLen: 8, lr: 1e-3, evalEvery: r.evalEvery }, { corpusIds: ['c'], maxPositionEmbeddings: 16 });
  const control = new RunControl();
  const points: MetricPoint[] = [];
  const port: TrainLoopPort & { clock: number } = {
    clock: 0,
    now: () => port.clock,
    emit: (e: TrainLoopEvent) => {
      if (e.type === 'trainMetrics') points.push(...e.points);
      if (e.type === 'trainStatus' && e.status === 'paused') setTimeout(() => { port.clock += 30_000; control.apply('resume'); }, 1);
    },
  };
  const fake = { settings, step: 0, variables: {}, runStep: async () => ({ step: 0, loss: 1, lr: 1e-3, gradNorm: 1 }) };
  fake.runStep = async () => {
    port.clock += r.stepMs;
    fake.step++;
    r.afterStep?.(fake.step, control, port);
    return { step: fake.step, loss: 1, lr: 1e-3, gradNorm: 1 };
  };
  const trainer = fake as unknown as Trainer;
  const evaluate = async () => {
    port.clock += r.evalMs;
    return { valid: { c: 1 } };
  };
  await runTrainingLoop(trainer, port, control, { flopsPerStep: 1, evaluate });
  return { points, end: port.clock };
}

/** Many eval tokens by default: the estimate from tokens stays above every timed evaluation, so these runs use measurements. */
const shape = (r: FakeRun, evalTokens = 1e6): RunShape => ({ steps: r.steps, evalEvery: r.evalEvery, tokensPerStep: 16, evalTokens });

describe('runEta', () => {
  it('includes the evaluations still to come: an evaluation-heavy run is predicted to the second', async () => {
    // 20 steps of 0.1 s, evaluated at 0, 5, 10, 15, 20 for 2 s each: after step 10's evaluation
    // 1 s of steps and 4 s of evaluation are left; steps alone would say 1 s.
    const r: FakeRun = { steps: 20, evalEvery: 5, stepMs: 100, evalMs: 2000 };
    const { points, end } = await fakeRun(r);
    const at10 = points.findIndex((p) => p.step === 10);
    const eta = runEta(points.slice(0, at10 + 1), shape(r))!;
    expect(eta.evaluationsLeft).toBe(2);
    expect(eta.evalEstimated).toBe(false);
    expect(eta.stepSeconds).toBeCloseTo(0.1, 6);
    expect(eta.seconds).toBeCloseTo(end / 1000 - points[at10].elapsed, 6);
    expect(eta.seconds).toBeCloseTo(5, 6);
    // After every point (complete at its elapsed, the loop's clock) the ETA is the time the run really had left.
    for (let i = 2; i < points.length; i++) {
      expect(runEta(points.slice(0, i + 1), shape(r))!.seconds).toBeCloseTo(end / 1000 - points[i].elapsed, 6);
    }
  });

  it('measures steps without the pauses and evaluations inside its window, while elapsed is the wall clock', async () => {
    const r: FakeRun = { steps: 8, evalEvery: 4, stepMs: 250, evalMs: 1000, afterStep: (step, control) => step === 3 && control.apply('pause') };
    const { points, end } = await fakeRun(r);
    const last = points[points.length - 1];
    // Wall time: 8 steps, 3 evaluations (0, 4, 8) and the 30 s pause.
    expect(last.elapsed).toBeCloseTo(end / 1000, 6);
    expect(last.elapsed).toBeCloseTo(8 * 0.25 + 3 * 1 + 30, 6);
    expect(last.paused).toBeCloseTo(30, 6);
    expect(secondsPerStep(points)).toBeCloseTo(0.25, 6);
    const at5 = points.findIndex((p) => p.step === 5);
    expect(runEta(points.slice(0, at5 + 1), shape(r))!.seconds).toBeCloseTo(3 * 0.25 + 1, 6);
  });

  it('estimates an evaluation not timed yet from its tokens at a third of the training cost per token, and says so', () => {
    // Points from a record made before evaluations were timed: 10 steps of 16 tokens in 2 s.
    const points: MetricPoint[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((step) => ({ step, tokens: 16 * step, flops: step, loss: 1, lr: 0, gradNorm: 1, elapsed: 0.2 * step, numTensors: 0 }));
    const eta = runEta(points, { steps: 20, evalEvery: 0, tokensPerStep: 16, evalTokens: 240 })!;
    // 80 training tokens a second, so 240 tokens forward-only take 240 / 3 / 80 = 1 s.
    expect(eta.evalEstimated).toBe(true);
    expect(eta.evalSeconds).toBeCloseTo(1, 6);
    expect(eta.evaluationsLeft).toBe(1);
    expect(eta.seconds).toBeCloseTo(10 * 0.2 + 1, 6);
    // A run that evaluates nothing has steps only.
    expect(runEta(points, { steps: 20, evalEvery: 0, tokensPerStep: 16, evalTokens: 0 })!.seconds).toBeCloseTo(2, 6);
  });

  it("leaves the run's first step (kernel compilation) out: no step time until a second step is timed", () => {
    const at = (step: number, elapsed: number): MetricPoint => ({ step, tokens: step, flops: step, loss: 1, lr: 0, gradNorm: 1, elapsed, numTensors: 0 });
    expect(secondsPerStep([at(0, 2), at(1, 5)])).toBeUndefined();
    expect(secondsPerStep([at(1, 5), at(2, 5.5), at(3, 6)])).toBeCloseTo(0.5, 6);
  });

  it("takes the run's first evaluation (it compiles kernels too) as an upper bound until a later one is timed", () => {
    // 10 steps of 16 tokens at 0.2 s: 80 tokens/s, so 240 eval tokens are estimated at 1 s.
    const at = (step: number, elapsed: number, evalSeconds?: number): MetricPoint => ({ step, tokens: 16 * step, flops: step, loss: 1, lr: 0, gradNorm: 1, elapsed, numTensors: 0, ...(evalSeconds ? { evalSeconds } : {}) });
    const steps = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((s) => at(s, 5 + 0.2 * s));
    const run = { steps: 20, evalEvery: 0, tokensPerStep: 16, evalTokens: 240 };
    expect(runEta([at(0, 5, 5), ...steps], run)).toMatchObject({ evalSeconds: 1, evalEstimated: true });
    expect(runEta([at(0, 0.5, 0.5), ...steps.map((p) => ({ ...p, elapsed: p.elapsed - 4.5 }))], run)).toMatchObject({ evalSeconds: 0.5, evalEstimated: false });
    const later = [...steps.slice(0, 9), at(10, 7 + 3, 3)];
    expect(runEta([at(0, 5, 5), ...later], run)!.evalSeconds).toBeCloseTo(3, 6);
  });

  it('has no ETA before a training step is timed', () => {
    expect(runEta([], { steps: 5, evalEvery: 1, tokensPerStep: 1, evalTokens: 1 })).toBeUndefined();
    expect(runEta([{ step: 0, tokens: 0, flops: 0, loss: null, lr: 0, gradNorm: 0, elapsed: 3, evalSeconds: 3, numTensors: 0 }], { steps: 5, evalEvery: 1, tokensPerStep: 1, evalTokens: 1 })).toBeUndefined();
  });
});

describe('evaluationsLeft', () => {
  it('counts every evalEvery steps, the last step once, and step 0 until it is reported', () => {
    expect(evaluationsLeft(10, 20, 5, true)).toBe(2); // 15, 20
    expect(evaluationsLeft(10, 22, 5, true)).toBe(3); // 15, 20, 22
    expect(evaluationsLeft(0, 20, 5, false)).toBe(5); // 0, 5, 10, 15, 20
    expect(evaluationsLeft(3, 20, 0, true)).toBe(1); // the end only
    expect(evaluationsLeft(20, 20, 5, true)).toBe(0);
  });
});
