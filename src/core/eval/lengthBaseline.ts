// The length-only baseline of a minimal-pair suite: a scorer that sees nothing but how long the
// two sentences are. A byte-level model's total log-probability falls with every byte, so this
// is what such a model gets for free; a suite on which it is far from 50 % measures length, not
// grammar. Shown beside every suite and stored with the built-in ones (scripts/build-suites.ts).
import type { MinimalPair } from './suites/types';

const utf8 = new TextEncoder();

/**
 * 1 when the grammatical sentence is the shorter in UTF-8 bytes, 0 when it is the longer, 0.5 when
 * they are equally long (chance: the scorer has nothing to go on). The delimiter lm-eval puts
 * before both sentences adds the same bytes to each, so it does not change the verdict.
 */
export function lengthOnlyVerdict(p: Pick<MinimalPair, 'good' | 'bad'>): number {
  const good = utf8.encode(p.good).length;
  const bad = utf8.encode(p.bad).length;
  return good < bad ? 1 : good > bad ? 0 : 0.5;
}

export interface LengthOnlyScore {
  /** Mean verdict over all pairs. */
  accuracy: number;
  /** Mean over paradigms of the mean verdict within each. */
  macroAccuracy: number;
}

/** The length-only scorer's accuracy on a suite; NaN for a suite without pairs. */
export function lengthOnlyScore(pairs: MinimalPair[]): LengthOnlyScore {
  const by = new Map<string, { sum: number; n: number }>();
  let sum = 0;
  for (const p of pairs) {
    const v = lengthOnlyVerdict(p);
    const s = by.get(p.paradigm) ?? { sum: 0, n: 0 };
    s.sum += v;
    s.n += 1;
    by.set(p.paradigm, s);
    sum += v;
  }
  const paradigms = [...by.values()];
  return {
    accuracy: pairs.length ? sum / pairs.length : NaN,
    macroAccuracy: paradigms.length ? paradigms.reduce((a, s) => a + s.sum / s.n, 0) / paradigms.length : NaN,
  };
}
