import { describe, expect, it } from 'vitest';
import type { MetricPoint } from './settings';
import { forgettingAvoided, passNumbers, phaseOffset, seriesKey, storyPoints } from './forgetStory';

/** A metric point of a run with batch x seqLen = 100 tokens and 1000 FLOPs per step. */
function point(step: number, valid?: Record<string, number>, pairs?: Record<string, number>): MetricPoint {
  return { step, tokens: step * 100, loss: step ? 1 : null, lr: 1e-3, gradNorm: 1, elapsed: step, numTensors: 10, flops: step * 1000, valid, pairs };
}

const english = [point(0, { eng: 5.6, isl: 5.6 }), point(5), point(10, { eng: 3.0, isl: 4.0 }), point(12)];
const adapt = [point(0, { eng: 3.1, isl: 4.1 }, { wo: 0.7 }), point(4, { eng: 3.8, isl: 3.0 }, { wo: 0.6 }), point(8, { eng: 4.2, isl: 2.5 }, { wo: 0.55 })];
const replay = [point(0, { eng: 3.1, isl: 4.1 }), point(4, { eng: 3.3, isl: 3.2 }), point(8, { eng: 3.4, isl: 2.7 })];

describe('the forgetting story on one axis', () => {
  it('offsets phase 2 by the last point of phase 1, in steps, tokens and FLOPs', () => {
    expect(phaseOffset(english)).toEqual({ step: 12, tokens: 1200, flops: 12000, elapsed: 12 });
    expect(phaseOffset([])).toEqual({ step: 0, tokens: 0, flops: 0, elapsed: 0 });
  });

  it('puts every evaluation on the story axis, phase 2 after phase 1, one line per pass and corpus', () => {
    const points = storyPoints({ english, adapt });
    expect(points.map((p) => p.step)).toEqual([0, 10, 12, 16, 20]);
    expect(points.map((p) => p.tokens)).toEqual([0, 1000, 1200, 1600, 2000]);
    expect(points.map((p) => p.flops)).toEqual([0, 10000, 12000, 16000, 20000]);
    expect(points.map((p) => p.elapsed)).toEqual([0, 10, 12, 16, 20]);
    expect(points[1].values).toEqual({ [seriesKey('main', 'eng')]: 3.0, [seriesKey('main', 'isl')]: 4.0 });
    expect(points[4].values[seriesKey('main', 'eng')]).toBe(4.2);
  });

  it('draws the replay pass on the same steps as pass 1, as lines of its own', () => {
    const points = storyPoints({ english, adapt, replay });
    expect(points.map((p) => p.step)).toEqual([0, 10, 12, 16, 20]);
    expect(points[3].values).toEqual({ 'main:eng': 3.8, 'main:isl': 3.0, 'replay:eng': 3.3, 'replay:isl': 3.2 });
    expect(points[0].values['replay:eng']).toBeUndefined();
  });

  it('has only phase 1 before phase 2 starts', () => {
    expect(storyPoints({ english: english.slice(0, 1) }).map((p) => p.values)).toEqual([{ 'main:eng': 5.6, 'main:isl': 5.6 }]);
  });
});

describe('what each pass did', () => {
  it('reads English rise and target gain from the first and last evaluation', () => {
    const n = passNumbers(adapt, 0, 'eng', 'isl')!;
    expect(n.steps).toBe(8);
    expect(n.englishStart).toBe(3.1);
    expect(n.englishRise).toBeCloseTo(1.1, 10);
    expect(n.targetGain).toBeCloseTo(1.6, 10);
    expect(n.accuracy).toEqual({ wo: { start: 0.7, end: 0.55 } });
  });

  it('waits for two evaluations', () => {
    expect(passNumbers(adapt.slice(0, 1), 0, 'eng', 'isl')).toBeUndefined();
  });

  it('says how much forgetting replay avoided, and nothing when pass 1 forgot nothing', () => {
    const without = passNumbers(adapt, 0, 'eng', 'isl')!;
    const withReplay = passNumbers(replay, 0.25, 'eng', 'isl')!;
    expect(withReplay.englishRise).toBeCloseTo(0.3, 10);
    expect(forgettingAvoided(without, withReplay)).toBeCloseTo(1 - 0.3 / 1.1, 10);
    expect(forgettingAvoided(withReplay, { ...withReplay, englishRise: 0 })).toBe(1);
    expect(forgettingAvoided({ ...without, englishRise: -0.1 }, withReplay)).toBeUndefined();
  });
});
