// Uncertainty of minimal-pair accuracies: Wilson score intervals for independent pairs, a seeded
// (reproducible) percentile bootstrap that resamples clusters (pairs made from one source sentence)
// and strata (paradigms), McNemar's exact test for two models on the same pairs, and the compact
// per-pair verdict strings evaluation results keep so such tests can be run later. Pure functions.
import { mulberry32 } from '../rng';

/** z for a two-sided 95 % interval: the 0.975 quantile of the standard normal. */
export const Z95 = 1.959963984540054;

export type IntervalMethod = 'wilson' | 'bootstrap' | 'cluster bootstrap';

export interface Interval {
  lo: number;
  hi: number;
  method: IntervalMethod;
}

/**
 * Wilson score interval for k successes in n trials (Wilson 1927; Newcombe 1998, method 3):
 * (p + z²/2n ± z √(p(1−p)/n + z²/4n²)) / (1 + z²/n). Unlike p ± z·se it stays inside [0, 1] and
 * is not empty at 0 or n successes. n = 0 gives [0, 1] (nothing is known).
 */
export function wilson(k: number, n: number, z = Z95): Interval {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 0 || n < 0 || k > n) throw new Error(`wilson needs integers 0 ≤ k ≤ n, got k=${k}, n=${n}`);
  if (n === 0) return { lo: 0, hi: 1, method: 'wilson' };
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At k = 0 or k = n one end is exactly 0 or 1; rounding must not move it.
  return { lo: k === 0 ? 0 : Math.max(0, centre - half), hi: k === n ? 1 : Math.min(1, centre + half), method: 'wilson' };
}

/** A resampling unit: one pair, or all pairs of one source sentence. `value` may be negative (differences). */
export interface Cluster {
  value: number;
  total: number;
}

export interface BootstrapOptions {
  /** Resamples drawn; default 2000. */
  resamples?: number;
  /** Seed of the generator; default 1. */
  seed?: number;
}

/**
 * Percentile bootstrap (Efron & Tibshirani 1993, ch. 13) of a ratio estimate over strata of
 * clusters. Each resample draws, in every stratum, as many clusters as it has, with replacement,
 * and sums their values and totals per stratum. `statistic` 'pooled' is Σ value / Σ total over all
 * strata (accuracy over all pairs); 'mean of strata' is the mean over strata of each one's ratio
 * (the macro average over paradigms). Resampling clusters rather than pairs keeps pairs that share
 * a source sentence together, so their correlation widens the interval as it should.
 */
export function bootstrapInterval(strata: Cluster[][], statistic: 'pooled' | 'mean of strata', o: BootstrapOptions = {}): Interval {
  const resamples = o.resamples ?? 2000;
  if (!Number.isInteger(resamples) || resamples < 100) throw new Error(`resamples must be an integer of at least 100, got ${resamples}`);
  const used = strata.filter((s) => s.length > 0);
  if (!used.length) return { lo: NaN, hi: NaN, method: 'cluster bootstrap' };
  const random = mulberry32(o.seed ?? 1); // seeded: every interval is the same on every run
  const stats = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let value = 0;
    let total = 0;
    let meanOfRatios = 0;
    for (const s of used) {
      let v = 0;
      let t = 0;
      for (let i = 0; i < s.length; i++) {
        const c = s[Math.floor(random() * s.length)];
        v += c.value;
        t += c.total;
      }
      value += v;
      total += t;
      meanOfRatios += v / t;
    }
    stats[r] = statistic === 'pooled' ? value / total : meanOfRatios / used.length;
  }
  stats.sort();
  const single = used.every((s) => s.every((c) => c.total === 1));
  return { lo: quantile(stats, 0.025), hi: quantile(stats, 0.975), method: single ? 'bootstrap' : 'cluster bootstrap' };
}

/** Quantile of sorted values by linear interpolation between order statistics (R's type 7). */
function quantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const i = Math.floor(h);
  return i + 1 < sorted.length ? sorted[i] + (h - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
}

/** log C(n, k) for 0 ≤ k ≤ n, summed term by term (exact enough for n in the hundred thousands). */
function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 0; i < k; i++) s += Math.log(n - i) - Math.log(i + 1);
  return s;
}

export interface McNemar {
  /** Pairs model A gets right and model B wrong. */
  onlyA: number;
  /** Pairs model B gets right and model A wrong. */
  onlyB: number;
  /** Pairs scored by both. */
  n: number;
  /** Exact two-sided p: 2 · P(X ≤ min(onlyA, onlyB)) for X ~ Binomial(onlyA + onlyB, 1/2), at most 1. */
  p: number;
}

/**
 * McNemar's exact test (McNemar 1947; the exact binomial form, e.g. Agresti 2013 §11.1): under
 * "both models are equally accurate" each discordant pair is A's or B's with probability 1/2.
 * The concordant pairs carry no information. No discordant pairs gives p = 1.
 */
export function mcnemarExact(onlyA: number, onlyB: number, n = onlyA + onlyB): McNemar {
  if (![onlyA, onlyB, n].every((x) => Number.isInteger(x) && x >= 0) || onlyA + onlyB > n) throw new Error(`McNemar needs non-negative integer counts with onlyA + onlyB ≤ n, got ${onlyA}, ${onlyB}, ${n}`);
  const d = onlyA + onlyB;
  const k = Math.min(onlyA, onlyB);
  // With min ≥ (d − 1) / 2 the lower tail is at least 1/2 by symmetry, so p is exactly 1.
  if (2 * k + 1 >= d) return { onlyA, onlyB, n, p: 1 };
  // Sum the lower tail in log space: C(d, i) / 2^d underflows for d above about a thousand.
  let logTail = -Infinity;
  for (let i = 0; i <= k; i++) {
    const t = logChoose(d, i) - d * Math.LN2;
    logTail = Math.max(logTail, t) + Math.log1p(Math.exp(-Math.abs(logTail - t)));
  }
  return { onlyA, onlyB, n, p: Math.min(1, 2 * Math.exp(logTail)) };
}

/** McNemar counts of two verdict lists over the same pairs. */
export function mcnemarOf(a: boolean[], b: boolean[]): McNemar {
  if (a.length !== b.length) throw new Error(`the two models were scored on different pairs (${a.length} and ${b.length} verdicts)`);
  let onlyA = 0;
  let onlyB = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] && !b[i]) onlyA++;
    else if (b[i] && !a[i]) onlyB++;
  }
  return mcnemarExact(onlyA, onlyB, a.length);
}

/** Per-pair verdicts as base64 of a bit string (pair i is bit i % 8 of byte ⌊i / 8⌋): 1000 pairs, 168 characters. */
export function encodeVerdicts(v: boolean[]): string {
  const bytes = new Uint8Array(Math.ceil(v.length / 8));
  v.forEach((ok, i) => {
    if (ok) bytes[i >> 3] |= 1 << (i & 7);
  });
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function decodeVerdicts(text: string, n: number): boolean[] {
  let s: string;
  try {
    s = atob(text);
  } catch {
    throw new Error('verdicts are not valid base64');
  }
  if (s.length !== Math.ceil(n / 8)) throw new Error(`verdicts hold ${s.length * 8} bits, expected ${n} pairs`);
  return Array.from({ length: n }, (_, i) => ((s.charCodeAt(i >> 3) >> (i & 7)) & 1) === 1);
}
