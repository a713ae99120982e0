// Accuracy on minimal pairs as lm-evaluation-harness scores them. Each pair is a two-way multiple
// choice with an empty context: choice 0 the grammatical sentence, choice 1 the other. A choice
// is scored as loglikelihood("", delimiter + sentence): the sum of log p over the continuation's
// tokens after the prefix (BOS) token, which itself is not scored (score.ts). The pair is correct
// when choice 0 is the argmax, and np.argmax takes the first of equal values, so a tie is correct.
// The delimiter and what is reported follow lm-eval's own task for the suite's format:
//   'lm-eval blimp'       target_delimiter " " (the default); acc per paradigm; the blimp group
//                         reports the unweighted mean over paradigms.
//   'lm-eval multiblimp'  target_delimiter ""; acc over all pairs of the language, and acc_norm:
//                         each choice's loglikelihood divided by its length in characters
//                         (Python's len(choice), i.e. Unicode code points; not bytes, not tokens).
// Intervals: Wilson for independent pairs; a cluster bootstrap when pairs carry a `group` (pairs
// made from one source sentence are not independent); a stratified bootstrap for the macro mean.
import type { MinimalPair, SuiteSource } from './suites/types';
import { bootstrapInterval, type Cluster, encodeVerdicts, type Interval, wilson } from './stats';

export type PairRule = 'lm-eval blimp' | 'lm-eval multiblimp';

export interface PairRuleSpec {
  /** Put before each sentence; lm-eval's target_delimiter. */
  delimiter: string;
  /** The number lm-eval reports for one suite: the mean over paradigms, or accuracy over all pairs. */
  headline: 'macro' | 'pairs';
  /** Also report acc_norm (length-normalised by characters). */
  lengthNormalised: boolean;
  description: string;
}

export const PAIR_RULES: Record<PairRule, PairRuleSpec> = {
  'lm-eval blimp': { delimiter: ' ', headline: 'macro', lengthNormalised: false, description: 'lm-eval blimp task: " " + sentence after BOS, a tie is correct; mean accuracy over paradigms' },
  'lm-eval multiblimp': { delimiter: '', headline: 'pairs', lengthNormalised: true, description: 'lm-eval multiblimp task: sentence alone after BOS, a tie is correct; accuracy over all pairs, and acc_norm (log-likelihood / characters)' },
};

/** What results saved before the lm-eval rules were scored with, for labelling them. */
export const LEGACY_RULE_DESCRIPTION = 'studio before lm-eval rules: sentence alone after BOS, a tie is wrong';

export function isPairRule(x: unknown): x is PairRule {
  return typeof x === 'string' && Object.hasOwn(PAIR_RULES, x);
}

/** The rule of lm-eval's own task for a suite's format; built-in suites are scored as BLiMP. */
export function defaultRule(source: SuiteSource): PairRule {
  return source === 'multiblimp' ? 'lm-eval multiblimp' : 'lm-eval blimp';
}

/** One accuracy with its 95 % interval. */
export interface Estimate {
  value: number;
  /** Pairs behind it (for the macro mean: all pairs of its paradigms). */
  total: number;
  lo: number;
  hi: number;
  method: Interval['method'];
}

export interface ParadigmScore {
  paradigm: string;
  correct: number;
  total: number;
  accuracy: number;
  lo: number;
  hi: number;
  method: Interval['method'];
}

export interface SuiteScore {
  rule: PairRule;
  headline: PairRuleSpec['headline'];
  /** The headline: what lm-eval reports for this suite (see `headline`). */
  accuracy: number;
  /** Unweighted mean over paradigms (what BLiMP papers report). */
  macro: Estimate;
  /** Share of all pairs correct. */
  overall: Estimate;
  /** lm-eval's acc_norm, where the rule reports it. */
  norm?: Estimate;
  pairs: number;
  correct: number;
  paradigms: ParadigmScore[];
  /** Per-pair verdicts in pair order, encoded with encodeVerdicts. */
  verdicts: string;
  normVerdicts?: string;
}

/** The texts to score for `pairs` under `rule`: every good continuation, then every bad one. */
export function ruleTexts(pairs: MinimalPair[], rule: PairRule): string[] {
  const d = PAIR_RULES[rule].delimiter;
  return [...pairs.map((p) => d + p.good), ...pairs.map((p) => d + p.bad)];
}

/** Python's len(str): Unicode code points (JS length counts UTF-16 units). */
export const characters = (s: string): number => [...s].length;

/** The source sentence a pair was made from, when its suite says (E1's `group`); else none. */
const groupOf = (p: MinimalPair & { group?: string }): string | undefined => p.group;

/**
 * Clusters per stratum: within a stratum, pairs of one group form one cluster; pairs without a
 * group are clusters of one. Strata are the paradigms (sorted), or one stratum of everything.
 */
export function clustersOf(pairs: MinimalPair[], value: (i: number) => number, byParadigm: boolean): Cluster[][] {
  const strata = new Map<string, Map<string, Cluster>>();
  pairs.forEach((p, i) => {
    const key = byParadigm ? p.paradigm : '';
    const s = strata.get(key) ?? new Map<string, Cluster>();
    const g = groupOf(p);
    const id = g === undefined ? `#${i}` : `g:${g}`;
    const c = s.get(id) ?? { value: 0, total: 0 };
    c.value += value(i);
    c.total += 1;
    s.set(id, c);
    strata.set(key, s);
  });
  return [...strata].sort(([a], [b]) => a.localeCompare(b)).map(([, s]) => [...s.values()]);
}

/** Accuracy of verdicts over `pairs` with a Wilson interval, or a cluster bootstrap when pairs are grouped. */
function pooled(pairs: MinimalPair[], ok: boolean[]): Estimate {
  const correct = ok.filter(Boolean).length;
  const n = pairs.length;
  const grouped = pairs.some((p) => groupOf(p) !== undefined);
  const ci = grouped ? bootstrapInterval(clustersOf(pairs, (i) => Number(ok[i]), false), 'pooled') : wilson(correct, n);
  return { value: n ? correct / n : NaN, total: n, ...ci };
}

/** Mean of the paradigm accuracies with a bootstrap stratified by paradigm (Wilson when there is one paradigm). */
function macroOf(pairs: MinimalPair[], ok: boolean[], paradigms: ParadigmScore[]): Estimate {
  if (paradigms.length <= 1) return pooled(pairs, ok);
  const value = paradigms.reduce((a, p) => a + p.accuracy, 0) / paradigms.length;
  return { value, total: pairs.length, ...bootstrapInterval(clustersOf(pairs, (i) => Number(ok[i]), true), 'mean of strata') };
}

/**
 * Scores of pairs from the log-likelihoods of their continuations under `rule` (the texts of
 * ruleTexts, scored by scoreTexts): good[i] and bad[i] belong to pairs[i].
 */
export function scorePairs(pairs: MinimalPair[], good: number[], bad: number[], rule: PairRule): SuiteScore {
  if (good.length !== pairs.length || bad.length !== pairs.length) throw new Error(`scores for ${good.length}/${bad.length} sentences, ${pairs.length} pairs`);
  if (!isPairRule(rule)) throw new Error(`rule must be one of ${Object.keys(PAIR_RULES).map((r) => JSON.stringify(r)).join(', ')}, got ${JSON.stringify(rule)}`);
  const spec = PAIR_RULES[rule];
  // argmax over [good, bad] is index 0 unless bad is strictly larger: a tie is correct.
  const ok = pairs.map((_, i) => good[i] >= bad[i]);
  const by = new Map<string, number[]>();
  pairs.forEach((p, i) => {
    const idx = by.get(p.paradigm);
    if (idx) idx.push(i);
    else by.set(p.paradigm, [i]);
  });
  const paradigms = [...by]
    .map(([paradigm, idx]) => {
      const sub = idx.map((i) => pairs[i]);
      const e = pooled(sub, idx.map((i) => ok[i]));
      return { paradigm, correct: idx.filter((i) => ok[i]).length, total: idx.length, accuracy: e.value, lo: e.lo, hi: e.hi, method: e.method };
    })
    .sort((a, b) => a.paradigm.localeCompare(b.paradigm));
  const overall = pooled(pairs, ok);
  const macro = macroOf(pairs, ok, paradigms);
  const out: SuiteScore = {
    rule, headline: spec.headline, accuracy: spec.headline === 'macro' ? macro.value : overall.value,
    macro, overall, pairs: pairs.length, correct: ok.filter(Boolean).length, paradigms, verdicts: encodeVerdicts(ok),
  };
  if (spec.lengthNormalised) {
    // lm-eval divides by len(choice), the choice without the delimiter.
    const okNorm = pairs.map((p, i) => good[i] / characters(p.good) >= bad[i] / characters(p.bad));
    out.norm = pooled(pairs, okNorm);
    out.normVerdicts = encodeVerdicts(okNorm);
  }
  return out;
}

/**
 * At most `max` pairs spread over the paradigms: paradigms take turns, each giving its pairs in
 * file order, so a small evaluation budget still covers every paradigm. Deterministic.
 */
export function samplePairs(pairs: MinimalPair[], max: number): MinimalPair[] {
  if (pairs.length <= max) return pairs;
  // One pass, appending in place: copying a paradigm's list per pair was quadratic (seconds to
  // pick 10 of 60,000).
  const by = new Map<string, MinimalPair[]>();
  for (const p of pairs) {
    const q = by.get(p.paradigm);
    if (q) q.push(p);
    else by.set(p.paradigm, [p]);
  }
  const queues = [...by.values()];
  const out: MinimalPair[] = [];
  for (let i = 0; out.length < max; i++) for (const q of queues) if (i < q.length && out.length < max) out.push(q[i]);
  return out;
}

/** The headline accuracy of a model on pairs under `rule`, scoring every continuation in one batched call. */
export async function pairAccuracy(pairs: MinimalPair[], rule: PairRule, score: (texts: string[]) => Promise<number[]>): Promise<number> {
  const s = await score(ruleTexts(pairs, rule));
  return scorePairs(pairs, s.slice(0, pairs.length), s.slice(pairs.length), rule).accuracy;
}
