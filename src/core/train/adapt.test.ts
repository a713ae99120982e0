import { describe, expect, it } from 'vitest';
import { adaptationCurves, adaptMix, budgetOf, flopsPerStep, stepsForBudget } from './adapt';
import { MixtureSampler } from '../data/sampler';
import { tokenizeBytes } from '../data/tokens';
import { tinyConfig } from '../testing/fixtures';
import { countParameters } from '../model/weights';
import type { MetricPoint } from './settings';

describe('FLOP accounting', () => {
  const c = tinyConfig({ vocab_size: 259 });
  it('counts a step as (6 N + 6 L T d_attn + 6 d V) x tokens', () => {
    const n = countParameters(c).nonEmbedding;
    expect(flopsPerStep(c, 4, 16)).toBe((6 * n + 6 * 2 * 16 * 16 + 6 * 16 * 259) * 64);
  });
  it('turns budgets into steps, overshooting by less than one step', () => {
    const per = flopsPerStep(c, 4, 16);
    expect(stepsForBudget({ kind: 'steps', value: 7 }, c, 4, 16)).toBe(7);
    expect(stepsForBudget({ kind: 'tokens', value: 640 }, c, 4, 16)).toBe(10);
    expect(stepsForBudget({ kind: 'tokens', value: 641 }, c, 4, 16)).toBe(11);
    const budget = 12.5 * per;
    const steps = stepsForBudget({ kind: 'flops', value: budget }, c, 4, 16);
    expect(steps * per).toBeGreaterThanOrEqual(budget);
    expect(steps * per - budget).toBeLessThan(per);
  });
  it('refuses a zero or double budget', () => {
    expect(() => budgetOf({ tokens: 0 })).toThrow(/tokens must be a positive number, got 0/);
    expect(() => budgetOf({ steps: 10, flops: 1e9 })).toThrow(/exactly one budget: steps, tokens or flops \(got steps and flops\)/);
    expect(() => budgetOf({})).toThrow(/got none/);
  });
});

describe('replay', () => {
  it('mixes the replay corpus into the given share of rows over many batches', () => {
    const target = tokenizeBytes(new TextEncoder().encode('ttt ttt\n'.repeat(40)));
    const eng = tokenizeBytes(new TextEncoder().encode('eee eee\n'.repeat(40)));
    const mix = adaptMix('t', 'e', 0.25);
    expect(mix).toEqual([{ corpus: 't', weight: 0.75 }, { corpus: 'e', weight: 0.25 }]);
    const sampler = new MixtureSampler(mix.map((m) => ({ id: m.corpus, weight: m.weight, text: m.corpus === 't' ? target : eng })), 16, 8, 3, 256);
    let replayRows = 0;
    for (let s = 0; s < 500; s++) replayRows += sampler.batch(s).sourceOfRow.filter((x) => x === 'e').length;
    expect(replayRows / 8000).toBeGreaterThan(0.23);
    expect(replayRows / 8000).toBeLessThan(0.27);
  });
  it('refuses a share outside 0 to 50 %', () => {
    expect(() => adaptMix('t', 'e', 0.6)).toThrow(/replay must be a share from 0 to 0.5 \(0 to 50 % of each batch\), got 0.6/);
    expect(() => adaptMix('t', 'e', -0.1)).toThrow(/replay must be a share/);
    expect(adaptMix('t', 'e', 0)).toEqual([{ corpus: 't', weight: 1 }]);
  });
});

describe('adaptationCurves', () => {
  it('measures gain and forgetting against the step-0 (parent) evaluation', () => {
    const p = (step: number, valid?: Record<string, number>, pairs?: Record<string, number>): MetricPoint => ({ step, tokens: step * 10, flops: step * 1000, loss: step ? 1 : null, lr: 0, gradNorm: 0, elapsed: step, numTensors: 0, valid, pairs });
    const curves = adaptationCurves([p(0, { isl: 4, eng: 2 }, { 'agreement-eng': 0.8 }), p(1), p(5, { isl: 3, eng: 2.5 }, { 'agreement-eng': 0.7 })], ['isl']);
    expect(curves).toHaveLength(2);
    expect(curves[0].gain).toEqual({ isl: 0 });
    expect(curves[1]).toMatchObject({ step: 5, flops: 5000, elapsed: 5, gain: { isl: 1 }, forgetting: { eng: 0.5 }, accuracy: { 'agreement-eng': 0.7 } });
    expect(curves[1].accuracyDrop!['agreement-eng']).toBeCloseTo(0.1, 12);
  });
});
