import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { scorePairs } from './minimalPairs';
import { scoreTexts } from './score';
import { parseBlimpJsonl, parseMultiBlimpTsv, languageFromFileName } from './suites/loaders';
import { baseFormCandidates, thirdPersonCandidates } from './suites/brownAgreement';
import { sentencesOf, wordOrderPairs } from './suites/wordOrder';
import { brownAgreementSuite } from '../../../scripts/build-suites';
import { buildCorpora } from '../../../scripts/build-corpora';
import { tinyModel } from '../testing/fixtures';
import { ByteTokenizer } from '../tokenizer/byte';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('scorePairs', () => {
  it('equals a by-hand comparison of scoreTexts results, macro-averaged over paradigms', async () => {
    const model = tinyModel({ vocab_size: 259 }, 8, 5);
    const tok = new ByteTokenizer();
    const pairs = [
      { good: 'The dog runs.', bad: 'The dog run.', paradigm: 'a' },
      { good: 'They are here.', bad: 'They is here.', paradigm: 'a' },
      { good: 'A cat sleeps.', bad: 'A cat sleep.', paradigm: 'a' },
      { good: 'Is it on?', bad: 'Are it on?', paradigm: 'b' },
    ];
    const good = await scoreTexts(model, tok, pairs.map((p) => p.good));
    const bad = await scoreTexts(model, tok, pairs.map((p) => p.bad));
    const s = scorePairs(pairs, good, bad);
    const hand = (idx: number[]) => idx.filter((i) => good[i] > bad[i]).length / idx.length;
    expect(s.paradigms.map((p) => p.accuracy)).toEqual([hand([0, 1, 2]), hand([3])]);
    expect(s.accuracy).toBeCloseTo((hand([0, 1, 2]) + hand([3])) / 2, 12);
    expect(s.pairAccuracy).toBeCloseTo(hand([0, 1, 2, 3]), 12);
  });
  it('counts a tie as wrong', () => {
    expect(scorePairs([{ good: 'a', bad: 'b', paradigm: 'x' }], [-3], [-3]).accuracy).toBe(0);
  });
});

describe('BLiMP JSON Lines', () => {
  it('loads good lines with extra fields kept, reports broken ones with file and line', () => {
    const text = '\uFEFF' + [
      '{"sentence_good": "Who should Derek hug?", "sentence_bad": "Who should Derek hug Eva?", "UID": "wh_island", "pairID": "0", "field": "syntax"}',
      '{"sentence_good": "A", "sentence_bad": ',
      '',
      '{"sentence_good": "Only good"}',
      '[1, 2]',
      '{"sentence_good": "Dogs bark.", "sentence_bad": "Dogs barks.", "UID": "agr"}',
    ].join('\r\n');
    const r = parseBlimpJsonl('wh.jsonl', text);
    expect(r.pairs).toHaveLength(2);
    expect(r.pairs[0]).toEqual({ good: 'Who should Derek hug?', bad: 'Who should Derek hug Eva?', paradigm: 'wh_island', extra: { pairID: '0', field: 'syntax' } });
    expect(r.pairs[1].bad).toBe('Dogs barks.');
    expect(r.errors.map((e) => [e.file, e.line])).toEqual([['wh.jsonl', 2], ['wh.jsonl', 4], ['wh.jsonl', 5]]);
    expect(r.errors[0].message).toMatch(/not valid JSON/);
    expect(r.errors[1].message).toMatch(/missing or empty sentence_bad/);
  });
  it('names the paradigm after the file when UID is missing, and reports an empty file', () => {
    expect(parseBlimpJsonl('data/anaphor_gender.jsonl', '{"sentence_good":"a","sentence_bad":"b"}').pairs[0].paradigm).toBe('anaphor_gender');
    expect(parseBlimpJsonl('e.jsonl', '').errors).toEqual([{ file: 'e.jsonl', line: 0, message: 'the file has no pairs (it is empty)' }]);
  });
});

describe('MultiBLiMP TSV', () => {
  it('reads sen / wrong_sen by header, keeps other columns, reports short rows', () => {
    const text = '\uFEFFsen\tverb\twrong_verb\twrong_sen\tphenomenon\tlang\r\nHann fer.\tfer\tförum\tHann förum.\tSV-#\tisl\r\nbroken\trow\r\nVit fara.\tfara\tfer\tVit fer.\tSV-P\tisl\r\n';
    const r = parseMultiBlimpTsv('isl.tsv', text);
    expect(r.pairs.map((p) => [p.good, p.bad, p.paradigm])).toEqual([['Hann fer.', 'Hann förum.', 'SV-#'], ['Vit fara.', 'Vit fer.', 'SV-P']]);
    expect(r.pairs[0].extra).toEqual({ verb: 'fer', wrong_verb: 'förum', phenomenon: 'SV-#', lang: 'isl' });
    expect(r.errors).toEqual([{ file: 'isl.tsv', line: 3, message: 'has 2 columns, the header has 6' }]);
    expect(r.language).toBe('isl');
  });
  it('reports missing columns and empty files; reads the language from the file name', () => {
    expect(parseMultiBlimpTsv('x.tsv', 'good\tbad\na\tb').errors[0].message).toMatch(/lacks column\(s\) sen, wrong_sen; found: good, bad/);
    expect(parseMultiBlimpTsv('x.tsv', '\n\n').errors[0].message).toBe('the file is empty');
    expect(languageFromFileName('multiblimp/fao/data.tsv')).toBe('fao');
    expect(languageFromFileName('est.tsv')).toBe('est');
  });
});

describe('built-in suites', () => {
  it('Brown agreement pairs differ in exactly one word and come from held-out validation text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'corpora-'));
    await buildCorpora(dir, () => undefined);
    const valid = new Set(readFileSync(join(dir, 'eng-brown.valid.txt'), 'utf8').split('\n'));
    const train = new Set(readFileSync(join(dir, 'eng-brown.train.txt'), 'utf8').split('\n'));
    const suite = brownAgreementSuite();
    expect(suite.pairs.length).toBeGreaterThan(500);
    expect(suite.paradigms.length).toBeGreaterThanOrEqual(5);
    for (const p of suite.pairs) {
      const a = p.good.split(' ');
      const b = p.bad.split(' ');
      expect(a.length).toBe(b.length);
      expect(a.filter((w, i) => w !== b[i])).toHaveLength(1);
      expect(valid.has(p.good)).toBe(true);
      expect(train.has(p.good)).toBe(false);
    }
  });
  it('inflects verbs both ways', () => {
    expect(baseFormCandidates('carries')).toContain('carry');
    expect(baseFormCandidates('goes')).toContain('go');
    expect(baseFormCandidates('runs')).toEqual(['run']);
    expect(thirdPersonCandidates('try')).toEqual(['tries']);
    expect(thirdPersonCandidates('push')).toEqual(['pushes']);
  });
  it('word-order pairs swap two adjacent words, deterministically', () => {
    const lines = ['Everyone has the right to life, liberty and security of person. No one shall be held in slavery.'];
    const a = wordOrderPairs(lines);
    expect(a).toEqual(wordOrderPairs(lines));
    expect(a).toHaveLength(2);
    for (const p of a) {
      const g = p.good.split(' ');
      const b = p.bad.split(' ');
      const diff = g.map((w, i) => (w !== b[i] ? i : -1)).filter((i) => i >= 0);
      expect(diff).toHaveLength(2);
      expect(diff[1]).toBe(diff[0] + 1);
      expect([b[diff[0]], b[diff[1]]]).toEqual([g[diff[1]], g[diff[0]]]);
    }
    expect(sentencesOf('One two three. Four five six!')).toEqual(['One two three.', 'Four five six!']);
  });
});
