import { describe, expect, it } from 'vitest';
import { accuracyMatrix, type EvaluationResult, languageAccuracy, type SuiteResultRow } from './report';

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
