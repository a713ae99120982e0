// Accuracy on minimal pairs from total log-probabilities, as lm-evaluation-harness scores BLiMP:
// a pair is correct when log p(good) > log p(bad) (a tie is wrong); accuracy per paradigm, then
// the macro average over paradigms.
import type { MinimalPair } from './suites/types';

export interface ParadigmScore {
  paradigm: string;
  correct: number;
  total: number;
  accuracy: number;
}

export interface SuiteScore {
  /** Macro average of the paradigm accuracies. */
  accuracy: number;
  /** Share of all pairs correct (micro average), for reference. */
  pairAccuracy: number;
  pairs: number;
  paradigms: ParadigmScore[];
}

export function scorePairs(pairs: MinimalPair[], good: number[], bad: number[]): SuiteScore {
  if (good.length !== pairs.length || bad.length !== pairs.length) throw new Error(`scores for ${good.length}/${bad.length} sentences, ${pairs.length} pairs`);
  const by = new Map<string, { correct: number; total: number }>();
  let correct = 0;
  pairs.forEach((p, i) => {
    const s = by.get(p.paradigm) ?? { correct: 0, total: 0 };
    const ok = good[i] > bad[i];
    s.correct += ok ? 1 : 0;
    s.total += 1;
    correct += ok ? 1 : 0;
    by.set(p.paradigm, s);
  });
  const paradigms = [...by].map(([paradigm, s]) => ({ paradigm, ...s, accuracy: s.correct / s.total })).sort((a, b) => a.paradigm.localeCompare(b.paradigm));
  const accuracy = paradigms.length ? paradigms.reduce((a, p) => a + p.accuracy, 0) / paradigms.length : NaN;
  return { accuracy, pairAccuracy: pairs.length ? correct / pairs.length : NaN, pairs: pairs.length, paradigms };
}

/**
 * At most `max` pairs spread over the paradigms: paradigms take turns, each giving its pairs in
 * file order, so a small evaluation budget still covers every paradigm. Deterministic.
 */
export function samplePairs(pairs: MinimalPair[], max: number): MinimalPair[] {
  if (pairs.length <= max) return pairs;
  const by = new Map<string, MinimalPair[]>();
  for (const p of pairs) by.set(p.paradigm, [...(by.get(p.paradigm) ?? []), p]);
  const queues = [...by.values()];
  const out: MinimalPair[] = [];
  for (let i = 0; out.length < max; i++) for (const q of queues) if (i < q.length && out.length < max) out.push(q[i]);
  return out;
}

/** Macro accuracy of a model on pairs, scoring good and bad sentences in one batched call. */
export async function pairAccuracy(pairs: MinimalPair[], score: (texts: string[]) => Promise<number[]>): Promise<number> {
  const s = await score([...pairs.map((p) => p.good), ...pairs.map((p) => p.bad)]);
  return scorePairs(pairs, s.slice(0, pairs.length), s.slice(pairs.length)).accuracy;
}
