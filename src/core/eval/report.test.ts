import { describe, expect, it } from 'vitest';
import { accuracyMatrix, comparePaired, describeRow, EVALUATION_CSV_COLUMNS, evaluationCsv, type EvaluationResult, formatDifference, languageAccuracy, pairSetOf, ruleLabel, type SuiteResultRow } from './report';
import { type PairRule, scorePairs } from './minimalPairs';
import { mcnemarExact, wilson } from './stats';
import type { MinimalPair } from './suites/types';

const row = (checkpoint: string, suite: string, language: string, accuracy: number): SuiteResultRow => ({ checkpoint, suite, language, accuracy, pairAccuracy: accuracy, pairs: 10, paradigms: [] });

const evaluation: EvaluationResult = {
  id: 'e', createdAt: '', suites: [], validation: [],
  checkpoints: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }],
  rows: [
    row('a', 'wordorder-isl', 'isl', 0.6), row('a', 'agreement-eng', 'eng', 0.9), row('b', 'wordorder-isl', 'isl', 0.5),
    row('a', 'blimp-isl', 'isl', 0.8), row('c', 'wordorder-fao', 'fao', 0.7),
  ],
};

describe('languageAccuracy', () => {
  it('averages the suites of each language for one checkpoint, languages in the order they first appear', () => {
    const a = languageAccuracy(evaluation, 'a');
    expect([...a.keys()]).toEqual(['isl', 'eng']);
    expect(a.get('isl')).toBeCloseTo(0.7, 12);
    expect(a.get('eng')).toBe(0.9);
    expect(languageAccuracy(evaluation, 'b')).toEqual(new Map([['isl', 0.5]]));
    expect(languageAccuracy(evaluation, 'nobody').size).toBe(0);
  });

  it('reads only the rows, so it answers for a checkpoint the checkpoint list leaves out', () => {
    expect(languageAccuracy({ rows: evaluation.rows }, 'c')).toEqual(new Map([['fao', 0.7]]));
  });
});

describe('accuracyMatrix', () => {
  it('has a row per listed checkpoint and a sorted column per scored language, cells only where scored', () => {
    const m = accuracyMatrix(evaluation);
    expect(m.languages).toEqual(['eng', 'fao', 'isl']);
    expect(Object.keys(m.cells)).toEqual(['a', 'b']);
    expect(Object.keys(m.cells.a)).toEqual(['eng', 'isl']);
    expect(m.cells.a.isl).toBe(languageAccuracy(evaluation, 'a').get('isl'));
    expect(m.cells.b).toEqual({ isl: 0.5 });
  });
});

describe('rows with the lm-eval rules', () => {
  const pairs = (n: number, group?: (i: number) => string) => Array.from({ length: n }, (_, i) => ({ good: `g${i}`, bad: `b${i}`, paradigm: i % 2 ? 'p1' : 'p0', ...(group ? { group: group(i) } : {}) }));
  /** A row of checkpoint `id` whose pair i is right where ok(i). */
  const scored = (id: string, ps: MinimalPair[], ok: (i: number) => boolean, rule: PairRule = 'lm-eval blimp'): SuiteResultRow => {
    const s = scorePairs(ps, ps.map((_, i) => (ok(i) ? 0 : -2)), ps.map(() => -1), rule);
    return { checkpoint: id, suite: 'sx', language: 'eng', pairAccuracy: s.overall.value, ...s };
  };
  const result = (ps: MinimalPair[], rows: SuiteResultRow[]): EvaluationResult => ({ id: 'e', createdAt: '', suites: [], validation: [], checkpoints: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }], rows, pairSets: [pairSetOf('sx', ps)] });

  it('export every lm-eval number with its count, 95 % interval, rule and which one lm-eval reports', () => {
    const ps = pairs(10);
    const r = result(ps, [scored('a', ps, (i) => i < 7, 'lm-eval multiblimp')]);
    const csv = evaluationCsv(r).trim().split('\n').map((l) => l.split(','));
    expect(csv[0]).toEqual([...EVALUATION_CSV_COLUMNS]);
    const pairsRow = csv.find((l) => l[5] === 'accuracy_pairs')!;
    const w = wilson(7, 10);
    expect(pairsRow.slice(6)).toEqual(['0.7', '7', '10', String(w.lo), String(w.hi), 'wilson', 'lm-eval multiblimp', '1']);
    expect(csv.find((l) => l[5] === 'accuracy_macro')!.at(-1)).toBe('0');
    expect(csv.find((l) => l[5] === 'acc_norm')).toBeDefined();
    expect(csv.filter((l) => l[5] === 'accuracy').map((l) => [l[4], l[7], l[8], l[11]])).toEqual([['p0', '4', '5', 'wilson'], ['p1', '3', '5', 'wilson']]);
    expect(describeRow(r.rows[0])).toMatch(/reported: all pairs 70.0 % \[39.7, 89.2\] of 10 pairs \(wilson\)/);
  });

  it('label results saved before the rules and export them without intervals', () => {
    const old = row('a', 's', 'eng', 0.5);
    expect(ruleLabel(old)).toBe('studio before lm-eval rules: sentence alone after BOS, a tie is wrong');
    expect(evaluationCsv({ ...evaluation, rows: [old] })).toContain(',accuracy_macro,0.5,,10,,,,"studio before lm-eval rules');
  });

  it('compare two checkpoints on the same pairs with McNemar, by hand', () => {
    const ps = pairs(40);
    // a right on 0..29, b right on 5..37: a alone on 0..4 (5), b alone on 30..37 (8).
    const r = result(ps, [scored('a', ps, (i) => i < 30), scored('b', ps, (i) => i >= 5 && i < 38)]);
    const d = comparePaired(r, 'a', 'b', ['sx'])!;
    expect([d.onlyA, d.onlyB, d.n]).toEqual([5, 8, 40]);
    expect(d.p).toBeCloseTo(mcnemarExact(5, 8).p, 12);
    expect(d.difference).toBeCloseTo(30 / 40 - 33 / 40, 12);
    expect(d.clustered).toBe(false);
    expect(d.significant).toBe(false);
    expect(formatDifference(d)).toMatch(/^−7.5 points \[.*\], McNemar p = 0.581 \(5 vs 8 discordant of 40 pairs\)$/);
    expect(comparePaired({ ...r, rows: [row('a', 'sx', 'eng', 0.5), r.rows[1]] }, 'a', 'b', ['sx'])).toBeUndefined();
  });

  it('need the cluster interval to agree where pairs share source sentences', () => {
    // 200 pairs from 10 sentences; a beats b on all pairs of 2 sentences: McNemar (40 vs 0) calls
    // it certain, but it is 2 sentences of 10 (a resample misses both 11 % of the time).
    const ps = pairs(200, (i) => `s${i % 10}`);
    const r = result(ps, [scored('a', ps, (i) => i % 10 < 5), scored('b', ps, (i) => i % 10 < 3)]);
    const d = comparePaired(r, 'a', 'b', ['sx'])!;
    expect(d.clustered).toBe(true);
    expect(d.p).toBeLessThan(1e-10);
    expect(d.interval.method).toBe('cluster bootstrap');
    expect(d.interval.lo).toBe(0);
    expect(d.significant).toBe(false);
    const flat = comparePaired({ ...r, pairSets: [pairSetOf('sx', pairs(200))] }, 'a', 'b', ['sx'])!;
    expect(d.interval.hi - d.interval.lo).toBeGreaterThan(3 * (flat.interval.hi - flat.interval.lo));
  });

  it('give the heatmap a tooltip with every suite of the language', () => {
    const ps = pairs(10);
    const m = accuracyMatrix(result(ps, [scored('a', ps, (i) => i < 7)]));
    expect(m.titles.a.eng).toContain('A, eng\nsx: reported: mean over 2 paradigms');
    expect(m.titles.a.eng).toContain('rule: lm-eval blimp; 95 % intervals');
  });
});
