import { describe, expect, it } from 'vitest';
import type { EvaluationResult } from '../eval/report';
import type { MetricPoint } from '../train/settings';
import { findingsInput } from './collect';
import { clone } from '../testing/experimentFixtures';
import { atEqualFlops, describeThresholds, type Finding, findings, type FindingsInput, findingsThresholds, interpolateAt, type LossPoint, type MergeNumber, type RunCurve } from './findings';
import { scorePairs } from '../eval/minimalPairs';
import { pairSetOf } from '../eval/report';
import { planExperiment, type Progress } from './plan';
import { RECIPE_PRESETS } from './recipe';

/** A curve from (flops, target, english) triples. */
const curve = (language: string, scale: number, pts: [number, number, number][]): RunCurve => ({ language, scale, points: pts.map(([flops, target, english]) => ({ flops, target, english })) });

const verdicts = (fs: Finding[]) => Object.fromEntries(fs.map((f) => [f.id, f.supported]));

function merges(rows: [string, number, string, number][], subset = ['isl', 'fao']): MergeNumber[] {
  return rows.map(([method, scale, language, loss]) => ({ method, subset, scale, language, loss }));
}

describe('interpolateAt', () => {
  const pts: LossPoint[] = [{ flops: 0, target: 4, english: 2 }, { flops: 100, target: 3, english: 2.5 }, { flops: 300, target: 2, english: 2.6 }];
  it('returns points exactly, interpolates linearly between them, and nothing outside', () => {
    expect(interpolateAt(pts, 100, 'target')).toBe(3);
    expect(interpolateAt(pts, 50, 'target')).toBeCloseTo(3.5, 12);
    expect(interpolateAt(pts, 200, 'english')).toBeCloseTo(2.55, 12);
    expect(interpolateAt(pts, 0, 'english')).toBe(2);
    expect(interpolateAt(pts, 301, 'target')).toBeUndefined();
    expect(interpolateAt([], 0, 'target')).toBeUndefined();
  });
});

describe('atEqualFlops', () => {
  it('reads every curve at the least of their last FLOPs, interpolating, and nothing where a curve starts later', () => {
    const x1 = curve('isl', 1, [[0, 5, 2], [500, 4, 2.2], [1000, 3.5, 2.4]]);
    const x2 = curve('isl', 2, [[0, 5, 2], [900, 3.2, 2.15]]);
    const late = curve('isl', 4, [[950, 3, 2], [1200, 2.9, 2.1]]);
    const { flops, points } = atEqualFlops([x1, x2]);
    expect(flops).toBe(900);
    expect(points[0]!.flops).toBe(900);
    expect(points[0]!.target).toBeCloseTo(3.6, 12);
    expect(points[0]!.english).toBeCloseTo(2.36, 12);
    expect(points[1]).toEqual({ flops: 900, target: 3.2, english: 2.15 });
    expect(atEqualFlops([x1, late, x2]).points).toEqual([points[0], undefined, points[1]]);
  });
});

describe('findings', () => {
  // The grown run ends at 900 FLOPs (one of its steps short of 1000); the 1x one at 1000.
  const supporting: FindingsInput = {
    curves: [
      curve('isl', 1, [[0, 5, 2], [500, 4, 2.2], [1000, 3.5, 2.4]]),
      curve('isl', 2, [[0, 5, 2], [450, 3.6, 2.1], [900, 3.2, 2.15]]),
      curve('fao', 1, [[0, 5.2, 2], [1000, 3.8, 2.5]]),
      curve('fao', 2, [[0, 5.2, 2], [900, 3.4, 2.2]]),
    ],
    experts: [
      { language: 'isl', scale: 1, loss: 3.5 }, { language: 'fao', scale: 1, loss: 3.8 },
      { language: 'isl', scale: 2, loss: 3.2 }, { language: 'fao', scale: 2, loss: 3.4 },
    ],
    merges: merges([
      ['ties', 1, 'isl', 3.9], ['ties', 1, 'fao', 4.1], ['ties', 2, 'isl', 3.6], ['ties', 2, 'fao', 3.7],
      ['task_arithmetic', 1, 'isl', 4.2], ['task_arithmetic', 1, 'fao', 4.4], ['task_arithmetic', 2, 'isl', 3.8], ['task_arithmetic', 2, 'fao', 3.9],
    ]),
  };

  it('supports every claim on numbers shaped like the paper\'s', () => {
    const fs = findings(supporting);
    expect(verdicts(fs)).toEqual({
      'growth-data-efficiency': 'yes', 'growth-forgets-less': 'yes', 'merges-below-experts': 'yes', 'grown-merges-better': 'yes', 'merge-methods-differ': 'yes',
    });
    // isl at 900 FLOPs: 1x interpolated 3.5 + (4 - 3.5) * 0.2 = 3.6; the grown model is at 3.2.
    expect(fs[0].evidence).toContain('isl at 900 FLOP: x2 target loss 3.200 vs x1 3.600 (−0.400)');
    expect(fs[0].evidence).toMatch(/^2 of 2 language comparisons support it, 0 contradict it/);
    // English rise at 900: 1x 2.36 - 2 = 0.36, x2 0.15.
    expect(fs[1].evidence).toContain('isl at 900 FLOP: x2 English loss rise 0.150 vs x1 0.360');
    expect(fs[4].evidence).toMatch(/Mean spread 0.250 nats over 4 .*lowest mean loss ties 3.825, highest task_arithmetic 4.075/);
  });

  it('compares at equal FLOPs, not at each run\'s last point', () => {
    // Read at each run's end, the grown model (2.95 at 900) would look close to the 1x one
    // (2.9 at 1000); at equal FLOPs the 1x model is already ahead.
    const input: FindingsInput = { curves: [curve('isl', 1, [[0, 5, 2], [100, 3, 2], [1000, 2.9, 2]]), curve('isl', 2, [[0, 5, 2], [900, 2.95, 2]])], experts: [], merges: [] };
    const [a] = findings(input);
    // At 900 the 1x curve reads 3 - 0.1 * 800 / 900 = 2.911, below the grown 2.95.
    expect(a.supported).toBe('no');
    expect(a.evidence).toContain('x2 target loss 2.950 vs x1 2.911');
  });

  it('contradicts the claims when the numbers go the other way', () => {
    const input: FindingsInput = {
      curves: [curve('isl', 1, [[0, 5, 2], [1000, 3, 2.1]]), curve('isl', 2, [[0, 5, 2], [1000, 3.5, 2.6]])],
      experts: [{ language: 'isl', scale: 1, loss: 3.5 }, { language: 'isl', scale: 2, loss: 3.6 }],
      merges: merges([['ties', 1, 'isl', 3.3], ['ties', 2, 'isl', 3.4], ['linear', 1, 'isl', 3.31], ['linear', 2, 'isl', 3.41]]),
    };
    expect(verdicts(findings(input))).toEqual({
      'growth-data-efficiency': 'no', 'growth-forgets-less': 'no', 'merges-below-experts': 'no', 'grown-merges-better': 'no', 'merge-methods-differ': 'no',
    });
  });

  it('is inconclusive without numbers, on mixed results and within the tolerance', () => {
    const none = findings({ curves: [], experts: [], merges: [] });
    expect(none.every((f) => f.supported === 'inconclusive')).toBe(true);
    expect(none[0].evidence).toBe('No language comparisons to compare: the numbers for it are missing.');
    const mixed: FindingsInput = {
      curves: [
        curve('isl', 1, [[0, 5, 2], [1000, 3, 2]]), curve('isl', 2, [[0, 5, 2], [1000, 2.5, 2.005]]),
        curve('fao', 1, [[0, 5, 2], [1000, 3, 2]]), curve('fao', 2, [[0, 5, 2], [1000, 3.5, 1.998]]),
      ],
      experts: [], merges: [],
    };
    const fs = findings(mixed);
    expect(fs[0]).toMatchObject({ supported: 'inconclusive', evidence: expect.stringMatching(/^1 of 2 language comparisons support it, 1 contradict it, 0 are undecided/) });
    expect(fs[1]).toMatchObject({ supported: 'inconclusive', evidence: expect.stringMatching(/0 contradict it, 2 are undecided/) });
    expect(fs[1].rule).toMatch(/exceeds ±0.01 nats/);
  });
});

describe('findings on minimal pairs', () => {
  /** An evaluation where the expert is right on the first `expert` of n pairs and the merge on the first `merged`. */
  function evaluation(n: number, expert: number, merged: number): FindingsInput['evaluation'] {
    const pairs = Array.from({ length: n }, (_, i) => ({ good: `g${i}`, bad: `b${i}`, paradigm: 'p' }));
    const row = (checkpoint: string, right: number) => {
      const s = scorePairs(pairs, pairs.map((_, i) => (i < right ? 0 : -2)), pairs.map(() => -1), 'lm-eval blimp');
      return { checkpoint, suite: 'wordorder-isl', language: 'isl', pairAccuracy: s.overall.value, ...s };
    };
    return { rows: [row('c-expert', expert), row('c-merge', merged)], pairSets: [pairSetOf('wordorder-isl', pairs)] };
  }
  const input = (e: FindingsInput['evaluation']): FindingsInput => ({
    curves: [],
    experts: [{ language: 'isl', scale: 1, loss: 3.5, checkpoint: 'c-expert' }],
    merges: [{ method: 'ties', subset: ['isl', 'fao'], scale: 1, language: 'isl', loss: 3.9, checkpoint: 'c-merge' }],
    evaluation: e,
  });

  it('lets minimal pairs decide only on enough pairs, and never outvote a loss that decides', () => {
    // Loss alone: 3.9 vs 3.5, beyond the tolerance, so 1 of 1 comparisons: yes.
    expect(findings({ ...input(undefined) })[2].supported).toBe('yes');
    // 10 pairs, the expert right on 7 and the merge on 4: 3 discordant pairs, McNemar p = 0.25:
    // the pairs cannot tell, the loss does.
    const few = findings(input(evaluation(10, 7, 4)))[2];
    expect(few.supported).toBe('yes');
    expect(few.evidence).toMatch(/^validation loss: yes \(1 of 1 support it, 0 contradict it, 0 are undecided\); minimal pairs: inconclusive \(0 of 1 support it, 0 contradict it, 1 are undecided\)/);
    expect(few.evidence).toContain('expert vs ties(isl+fao) x1 on isl minimal pairs: 70.0 % vs 40.0 %, +30.0 points');
    expect(few.evidence).toContain('McNemar p = 0.250 (3 vs 0 discordant of 10 pairs)');
    expect(few.rule).toMatch(/McNemar's exact test gives p < 0.05/);
    // With the losses tied, the same 10 pairs leave the claim open; 100 pairs decide it.
    const tied = (e: FindingsInput['evaluation']) => findings({ ...input(e), merges: [{ method: 'ties', subset: ['isl', 'fao'], scale: 1, language: 'isl', loss: 3.505, checkpoint: 'c-merge' }] })[2];
    expect(tied(evaluation(10, 7, 4)).supported).toBe('inconclusive');
    expect(tied(evaluation(100, 70, 40)).supported).toBe('yes');
  });

  it('says yes with the same accuracies on enough pairs, and no when the merge is significantly better', () => {
    expect(findings(input(evaluation(100, 70, 40)))[2].supported).toBe('yes');
    // Loss for the claim, accuracy clearly against it: mixed, so inconclusive.
    expect(findings(input(evaluation(100, 40, 70)))[2].supported).toBe('inconclusive');
    const against = findings({ ...input(evaluation(100, 40, 70)), merges: [{ method: 'ties', subset: ['isl', 'fao'], scale: 1, language: 'isl', loss: 3.2, checkpoint: 'c-merge' }] })[2];
    expect(against.supported).toBe('no');
  });

  it('states the thresholds it used', () => {
    const t = findingsThresholds({ tolerance: 0.02 });
    expect(t).toEqual({ tolerance: 0.02, methodSpread: 0.05, alpha: 0.05 });
    expect(describeThresholds(t).join(' ')).toMatch(/±0.02 nats.*p < 0.05.*cluster-bootstrap.*more than half.*0.05 nats/);
  });
});

describe('findingsInput', () => {
  it('reads curves from run metrics and expert and merge numbers from the evaluation', () => {
    const plan = planExperiment(clone(RECIPE_PRESETS[0].recipe));
    const progress: Progress = {
      'adapt:isl:x1': { key: '', inputs: {}, runId: 'r1', checkpointId: 'c-isl' },
      'adapt:fao:x1': { key: '', inputs: {}, runId: 'r2', checkpointId: 'c-fao' },
      'merge:ties:isl+fao:x1': { key: '', inputs: {}, checkpointId: 'c-ties' },
    };
    const point = (step: number, valid?: Record<string, number>): MetricPoint => ({ step, tokens: step * 256, flops: step * 10, loss: 1, lr: 0, gradNorm: 0, elapsed: 0, numTensors: 0, ...(valid ? { valid } : {}) });
    const metrics = { r1: [point(0, { 'udhr-isl': 5, 'eng-brown': 2 }), point(1), point(10, { 'udhr-isl': 3, 'eng-brown': 2.2 })] };
    const v = (checkpoint: string, language: string, loss: number) => ({ checkpoint, language, corpus: '', loss, perplexity: Math.exp(loss) });
    const evaluation = {
      id: 'e', createdAt: '', checkpoints: [], suites: [],
      rows: [{ checkpoint: 'c-ties', suite: 'wordorder-udhr-isl', language: 'isl', accuracy: 0.6, pairAccuracy: 0.6, pairs: 10, paradigms: [] }],
      validation: [v('c-isl', 'isl', 3), v('c-fao', 'fao', 3.1), v('c-ties', 'isl', 3.4), v('c-ties', 'fao', 3.5), v('c-ties', 'eng', 2.3)],
    } as EvaluationResult;
    expect(findingsInput(plan, progress, metrics, evaluation)).toEqual({
      curves: [{ language: 'isl', scale: 1, points: [{ flops: 0, target: 5, english: 2 }, { flops: 100, target: 3, english: 2.2 }] }],
      experts: [{ language: 'isl', scale: 1, loss: 3, checkpoint: 'c-isl' }, { language: 'fao', scale: 1, loss: 3.1, checkpoint: 'c-fao' }],
      merges: [
        { method: 'ties', subset: ['isl', 'fao'], scale: 1, language: 'isl', loss: 3.4, accuracy: 0.6, checkpoint: 'c-ties' },
        { method: 'ties', subset: ['isl', 'fao'], scale: 1, language: 'fao', loss: 3.5, checkpoint: 'c-ties' },
      ],
      evaluation,
    });
  });
});
