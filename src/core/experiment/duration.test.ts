import { describe, expect, it } from 'vitest';
import type { MetricPoint } from '../train/settings';
import { RECIPE_PRESETS } from './presets';
import { planExperiment } from './plan';
import { describeDuration, measuredRate, RATE_RUNS, roughRange } from './duration';

const point = (flops: number, elapsed: number, paused?: number): MetricPoint => ({ step: 1, tokens: 1, flops, loss: 1, lr: 0, gradNorm: 1, elapsed, numTensors: 0, ...(paused ? { paused } : {}) });

describe('measuredRate', () => {
  it('is the FLOPs over wall seconds of the newest runs, pauses left out, with the slowest and fastest run', () => {
    const runs = [
      { createdAt: '2026-01-01T00:00:01Z', metrics: [point(1e9, 2)] }, // 0.5 GFLOP/s
      { createdAt: '2026-01-01T00:00:02Z', metrics: [point(3e9, 40, 38)] }, // 1.5 GFLOP/s once the pause is left out
      { createdAt: '2026-01-01T00:00:03Z', metrics: [] }, // nothing trained: not a measurement
    ];
    const r = measuredRate(runs)!;
    expect(r.runs).toBe(2);
    expect(r.flopsPerSecond).toBeCloseTo(1e9, 0);
    expect(r.slowest).toBeCloseTo(0.5e9, 0);
    expect(r.fastest).toBeCloseTo(1.5e9, 0);
    expect(measuredRate([])).toBeUndefined();
  });

  it('reads only the newest RATE_RUNS runs, so it follows the device as it is now', () => {
    const old = Array.from({ length: RATE_RUNS }, (_, i) => ({ createdAt: `2026-01-02T00:00:0${i}Z`, metrics: [point(1e9, 1)] }));
    const r = measuredRate([{ createdAt: '2025-01-01T00:00:00Z', metrics: [point(1e9, 100)] }, ...old])!;
    expect(r.runs).toBe(RATE_RUNS);
    expect(r.slowest).toBeCloseTo(1e9, 0);
  });
});

describe('describeDuration', () => {
  it("turns the quick demo's training FLOPs into a time at the measured rate, and says when nothing is measured", () => {
    const flops = planExperiment(RECIPE_PRESETS.find((p) => p.id === 'quick-demo')!.recipe).trainingFlops;
    const d = describeDuration(flops, { flopsPerSecond: 0.1e9, slowest: 0.08e9, fastest: 0.12e9, runs: 3 });
    expect(d.seconds!.low).toBeCloseTo(flops / 0.12e9, 6);
    expect(d.seconds!.high).toBeCloseTo(flops / 0.08e9, 6);
    expect(d.text).toMatch(/^about 66 s–2 min on this device \(.* GFLOP of training at the measured 100 MFLOP\/s of the last 3 runs/);
    const none = describeDuration(flops, undefined);
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
