import { describe, expect, it } from 'vitest';
import type { MetricPoint } from '../train/settings';
import { RECIPE_PRESETS } from './presets';
import { planExperiment } from './plan';
import { describeDuration, measuredExperimentRate, measuredRate, RATE_RUNS, roughRange, timedTraining } from './duration';

const point = (step: number, flops: number, elapsed: number, extra: Partial<MetricPoint> = {}): MetricPoint => ({ step, tokens: step, flops, loss: 1, lr: 0, gradNorm: 1, elapsed, numTensors: 0, ...extra });
/** A run of two training points: `flops` FLOPs in `seconds` between them, after `overhead` seconds of loading and a first step. */
const timedRun = (createdAt: string, flops: number, seconds: number, overhead = 5) => ({ createdAt, metrics: [point(0, 0, 3), point(1, 1e6, overhead), point(2, 1e6 + flops, overhead + seconds)] });
const quickDemo = RECIPE_PRESETS.find((p) => p.id === 'quick-demo')!.recipe;
const quickFlops = planExperiment(quickDemo).trainingFlops;

describe('timedTraining', () => {
  it('times the steps after the first, leaving out loading, the first step, evaluations and pauses', () => {
    const metrics = [point(0, 0, 4, { evalSeconds: 3 }), point(1, 1e9, 10), point(2, 2e9, 11), point(3, 3e9, 17, { evalSeconds: 4, paused: 1 })];
    // 7 s from step 1 to step 3, less a 4 s evaluation and a 1 s pause: 2 s for 2 GFLOP.
    expect(timedTraining(metrics)).toEqual({ flops: 2e9, seconds: 2 });
    expect(timedTraining(metrics.slice(0, 2))).toBeUndefined(); // one training point times nothing
  });

  it('reads a short run at the rate of its steps, as a long run of the same steps', () => {
    const short = timedTraining([point(0, 0, 6), point(1, 1e8, 8), point(2, 2e8, 8.1), point(3, 3e8, 8.2)])!;
    const long = timedTraining([point(0, 0, 6), point(1, 1e8, 8), ...Array.from({ length: 100 }, (_, i) => point(i + 2, (i + 2) * 1e8, 8 + 0.1 * (i + 1)))])!;
    expect(short.flops / short.seconds).toBeCloseTo(long.flops / long.seconds, 3);
  });
});

describe('measuredRate', () => {
  it('is the FLOPs over the timed seconds of the newest runs together', () => {
    const runs = [
      timedRun('2026-01-01T00:00:01Z', 1e9, 1),
      timedRun('2026-01-01T00:00:02Z', 3e9, 3, 60), // a minute of loading does not slow the rate
      { createdAt: '2026-01-01T00:00:03Z', metrics: [] }, // nothing trained: not a measurement
    ];
    expect(measuredRate(runs)).toEqual({ flopsPerSecond: 1e9, runs: 2 });
    expect(measuredRate([])).toBeUndefined();
  });

  it('reads only the newest RATE_RUNS runs, so it follows the device as it is now', () => {
    const recent = Array.from({ length: RATE_RUNS }, (_, i) => timedRun(`2026-01-02T00:00:0${i}Z`, 1e9, 1));
    expect(measuredRate([timedRun('2025-01-01T00:00:00Z', 1e9, 100), ...recent])).toEqual({ flopsPerSecond: 1e9, runs: RATE_RUNS });
  });
});

describe('measuredExperimentRate', () => {
  const exp = (name: string, at: string, seconds: number, status = 'completed') => ({ name, createdAt: at, finishedAt: new Date(Date.parse(at) + seconds * 1000).toISOString(), status, plan: { trainingFlops: 1e9 } });
  it('is wall seconds per training FLOP of completed experiments, of the same recipe when there is one', () => {
    const list = [exp('other', '2026-01-03T00:00:00Z', 500), exp('demo', '2026-01-01T00:00:00Z', 100), exp('demo', '2026-01-02T00:00:00Z', 120), exp('demo', '2026-01-04T00:00:00Z', 10, 'failed')];
    const r = measuredExperimentRate(list, 'demo')!;
    expect(r).toMatchObject({ experiments: 2, sameRecipe: true });
    expect(r.fastest).toBeCloseTo(100e-9, 15);
    expect(r.slowest).toBeCloseTo(120e-9, 15);
    expect(measuredExperimentRate(list, 'new recipe')).toMatchObject({ experiments: 3, sameRecipe: false });
    expect(measuredExperimentRate([], 'demo')).toBeUndefined();
  });
});

describe('describeDuration', () => {
  it('gives the whole time from experiments measured here, every stage included', () => {
    const d = describeDuration(quickFlops, { experiments: { secondsPerFlop: 13e-9, fastest: 12e-9, slowest: 14e-9, experiments: 2, sameRecipe: true }, runs: { flopsPerSecond: 1e9, runs: 1 } });
    expect(d.basis).toBe('experiments');
    expect(d.seconds!.low).toBeCloseTo(quickFlops * 12e-9, 6);
    expect(d.text).toBe(`about ${roughRange(quickFlops * 12e-9, quickFlops * 14e-9)} on this device, every stage included (7.95 GFLOP of training; measured on the last 2 experiments of this recipe here)`);
  });

  it('gives the training part from runs and says the other stages come on top; says when nothing is measured', () => {
    const d = describeDuration(quickFlops, { runs: { flopsPerSecond: 0.1e9, runs: 3 } });
    expect(d.basis).toBe('runs');
    expect(d.seconds!.low).toBeCloseTo(quickFlops / 0.1e9, 6);
    expect(d.text).toMatch(/^training steps alone about 80 s on this device \(7.95 GFLOP of training at the 100 MFLOP\/s measured between the steps of the last 3 runs\); loading, evaluations, growth and merges come on top/);
    const none = describeDuration(quickFlops, {});
    expect(none).toMatchObject({ basis: 'none' });
    expect(none.seconds).toBeUndefined();
    expect(none.text).toMatch(/not measured on this device yet/);
  });

  it('writes ranges roughly, with one unit where both ends share it', () => {
    expect(roughRange(60, 120)).toBe('60 s–2 min');
    expect(roughRange(100, 130)).toBe('2 min');
    expect(roughRange(200, 400)).toBe('3–7 min');
    expect(roughRange(20, 40)).toBe('20–40 s');
  });
});
