import { describe, expect, it } from 'vitest';
import type { MetricPoint } from '../train/settings';
import { RECIPE_PRESETS } from './presets';
import { planExperiment } from './plan';
import { describeDuration, measuredExperimentRate, measuredRate, RATE_RUNS, roughRange } from './duration';

const point = (flops: number, elapsed: number, paused?: number): MetricPoint => ({ step: 1, tokens: 1, flops, loss: 1, lr: 0, gradNorm: 1, elapsed, numTensors: 0, ...(paused ? { paused } : {}) });
const quickDemo = RECIPE_PRESETS.find((p) => p.id === 'quick-demo')!.recipe;
const quickFlops = planExperiment(quickDemo).trainingFlops;

describe('measuredRate', () => {
  it('is the FLOPs over wall seconds of the newest runs together, pauses left out', () => {
    const runs = [
      { createdAt: '2026-01-01T00:00:01Z', metrics: [point(1e9, 2)] },
      { createdAt: '2026-01-01T00:00:02Z', metrics: [point(3e9, 40, 38)] }, // 2 s once the pause is left out
      { createdAt: '2026-01-01T00:00:03Z', metrics: [] }, // nothing trained: not a measurement
    ];
    expect(measuredRate(runs)).toEqual({ flopsPerSecond: 1e9, runs: 2 });
    expect(measuredRate([])).toBeUndefined();
  });

  it('reads only the newest RATE_RUNS runs, so it follows the device as it is now', () => {
    const recent = Array.from({ length: RATE_RUNS }, (_, i) => ({ createdAt: `2026-01-02T00:00:0${i}Z`, metrics: [point(1e9, 1)] }));
    expect(measuredRate([{ createdAt: '2025-01-01T00:00:00Z', metrics: [point(1e9, 100)] }, ...recent])).toEqual({ flopsPerSecond: 1e9, runs: RATE_RUNS });
  });
});

describe('measuredExperimentRate', () => {
  const exp = (name: string, at: string, seconds: number, status = 'completed') => ({ name, createdAt: at, finishedAt: new Date(Date.parse(at) + seconds * 1000).toISOString(), status, trainingFlops: 1e9 });
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
    expect(d.text).toMatch(/^training alone about 80 s on this device \(7.95 GFLOP of training at the measured 100 MFLOP\/s of the last 3 runs, .*\); growth, merges and the final evaluation come on top/);
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
