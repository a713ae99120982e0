import { describe, expect, it } from 'vitest';
import { bootstrapInterval, type Cluster, decodeVerdicts, encodeVerdicts, mcnemarExact, mcnemarOf, wilson } from './stats';

describe('wilson', () => {
  it('gives Newcombe (1998, Table I, method 3) values', () => {
    // Newcombe, "Two-sided confidence intervals for the single proportion", Stat Med 17:857.
    const cases: [number, number, number, number][] = [[81, 263, 0.2553, 0.3662], [15, 148, 0.0624, 0.1605], [0, 20, 0, 0.1611], [1, 29, 0.0061, 0.1718]];
    for (const [k, n, lo, hi] of cases) {
      const ci = wilson(k, n);
      expect(ci.lo).toBeCloseTo(lo, 4);
      expect(ci.hi).toBeCloseTo(hi, 4);
    }
  });
  it('is exact at the ends, [0, 1] with no pairs, and refuses impossible counts', () => {
    expect(wilson(10, 10).hi).toBe(1);
    expect(wilson(0, 10).lo).toBe(0);
    expect(wilson(0, 0)).toEqual({ lo: 0, hi: 1, method: 'wilson' });
    expect(() => wilson(5, 4)).toThrow(/0 ≤ k ≤ n, got k=5, n=4/);
    expect(() => wilson(1.5, 4)).toThrow(/integers/);
  });
  it('matches the closed form by hand for 7 of 10', () => {
    const z = 1.959963984540054;
    const p = 0.7;
    const n = 10;
    const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
    const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
    expect(wilson(7, 10).lo).toBeCloseTo(centre - half, 12);
    expect(wilson(7, 10).hi).toBeCloseTo(centre + half, 12);
    expect(centre - half).toBeCloseTo(0.3968, 4); // 0.3968–0.8922, the usual textbook value for 7/10
  });
});

describe('mcnemarExact', () => {
  it('is 2·P(X ≤ min) for X ~ Binomial(discordant, 1/2), by hand', () => {
    // 2 vs 8 discordant: P(X ≤ 2) = (1 + 10 + 45) / 1024.
    expect(mcnemarExact(2, 8).p).toBeCloseTo((2 * 56) / 1024, 12);
    expect(mcnemarExact(8, 2).p).toBeCloseTo((2 * 56) / 1024, 12);
    expect(mcnemarExact(0, 5).p).toBeCloseTo(2 / 32, 12);
    expect(mcnemarExact(0, 0).p).toBe(1);
    expect(mcnemarExact(4, 4).p).toBe(1);
    expect(mcnemarExact(3, 4).p).toBe(1); // 2·P(X ≤ 3 | 7) = 2 · 64/128
  });
  it('stays accurate where 2^-n underflows', () => {
    // 600 vs 400 of 1000: the normal approximation with continuity correction gives z = 199/√1000.
    const p = mcnemarExact(400, 600).p;
    expect(p).toBeGreaterThan(1e-11);
    expect(p).toBeLessThan(1e-9);
    expect(mcnemarExact(5000, 5000).p).toBe(1);
  });
  it('counts discordant pairs of two verdict lists and refuses different pair sets', () => {
    const a = [true, true, false, true, false];
    const b = [true, false, false, false, true];
    expect(mcnemarOf(a, b)).toMatchObject({ onlyA: 2, onlyB: 1, n: 5 });
    expect(() => mcnemarOf(a, b.slice(1))).toThrow(/different pairs \(5 and 4 verdicts\)/);
  });
});

describe('bootstrapInterval', () => {
  const pairs = (k: number, n: number): Cluster[] => Array.from({ length: n }, (_, i) => ({ value: i < k ? 1 : 0, total: 1 }));
  it('is reproducible and close to Wilson for independent pairs', () => {
    const a = bootstrapInterval([pairs(70, 100)], 'pooled');
    expect(a).toEqual(bootstrapInterval([pairs(70, 100)], 'pooled'));
    expect(a.method).toBe('bootstrap');
    const w = wilson(70, 100);
    expect(Math.abs(a.lo - w.lo)).toBeLessThan(0.02);
    expect(Math.abs(a.hi - w.hi)).toBeLessThan(0.02);
  });
  it('widens when correlated pairs are kept together as clusters', () => {
    // 100 pairs from 10 sentences, each sentence's pairs all right or all wrong: really 10 observations.
    const clusters = Array.from({ length: 10 }, (_, i) => ({ value: i < 7 ? 10 : 0, total: 10 }));
    const c = bootstrapInterval([clusters], 'pooled');
    const flat = bootstrapInterval([pairs(70, 100)], 'pooled');
    expect(c.method).toBe('cluster bootstrap');
    expect(c.hi - c.lo).toBeGreaterThan(2 * (flat.hi - flat.lo));
  });
  it('averages strata for the macro mean, each resampled within itself', () => {
    // Stratum a is always right, b always wrong: every resample's mean is exactly 0.5.
    const ci = bootstrapInterval([pairs(5, 5), pairs(0, 50)], 'mean of strata');
    expect([ci.lo, ci.hi]).toEqual([0.5, 0.5]);
    expect(() => bootstrapInterval([pairs(1, 2)], 'pooled', { resamples: 5 })).toThrow(/at least 100/);
  });
});

describe('verdict strings', () => {
  it('round-trip and stay short', () => {
    const v = Array.from({ length: 1001 }, (_, i) => (i * 7) % 3 === 0);
    const s = encodeVerdicts(v);
    expect(s.length).toBe(168); // 126 bytes
    expect(decodeVerdicts(s, 1001)).toEqual(v);
    expect(encodeVerdicts([true, false, false, true])).toBe('CQ==');
    expect(() => decodeVerdicts(s, 10)).toThrow(/expected 10 pairs/);
    expect(() => decodeVerdicts('@@', 1)).toThrow(/base64/);
  });
});
