// The built-in suites as `npm run build:data` makes them: length cannot decide any of them (a
// length-only scorer gets 50 %), every agreement paradigm holds both directions equally often,
// the pairs come from held-out text only, and the word-order suites have hundreds of pairs whose
// source sentence each pair names.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCorpora } from '../../../../scripts/build-corpora';
import { buildSuites, checkLengthBalance, LENGTH_ONLY_TOLERANCE, MIN_PAIRS } from '../../../../scripts/build-suites';
import { lengthOnlyScore, lengthOnlyVerdict } from '../lengthBaseline';
import { baseFormCandidates, thirdPersonCandidates } from './brownAgreement';
import { MAX_SWAP_DISTANCE, sentencesOf, swapWords, wordOrderPairs } from './wordOrder';
import { type Suite, type SuiteIndex, suiteInfo } from './types';

const bytes = (s: string) => new TextEncoder().encode(s).length;

let corporaDir: string;
let index: SuiteIndex;
let suites: Suite[];

beforeAll(async () => {
  corporaDir = mkdtempSync(join(tmpdir(), 'corpora-'));
  await buildCorpora(corporaDir, () => undefined);
  const suitesDir = mkdtempSync(join(tmpdir(), 'suites-'));
  index = buildSuites(corporaDir, suitesDir);
  suites = index.suites.map((s) => JSON.parse(readFileSync(join(suitesDir, `${s.id}.json`), 'utf8')) as Suite);
}, 120_000);

describe('length-only scorer', () => {
  it('prefers the shorter sentence in UTF-8 bytes and counts equal lengths as half', () => {
    expect(lengthOnlyVerdict({ good: 'They are.', bad: 'They is.' })).toBe(0);
    expect(lengthOnlyVerdict({ good: 'He is.', bad: 'He are.' })).toBe(1);
    expect(lengthOnlyVerdict({ good: 'a b c', bad: 'b a c' })).toBe(0.5);
    // Bytes, not characters: é is two bytes in UTF-8.
    expect(lengthOnlyVerdict({ good: 'café', bad: 'cafe' })).toBe(0);
    const pairs = [
      { good: 'He is.', bad: 'He are.', paradigm: 'a' },
      { good: 'He is.', bad: 'He are.', paradigm: 'a' },
      { good: 'They are.', bad: 'They is.', paradigm: 'a' },
      { good: 'a b', bad: 'b a', paradigm: 'b' },
    ];
    expect(lengthOnlyScore(pairs)).toEqual({ accuracy: 2.5 / 4, macroAccuracy: (2 / 3 + 0.5) / 2 });
    expect(lengthOnlyScore([]).accuracy).toBeNaN();
  });
  it('is stored on every suite description, imported ones included', () => {
    const info = suiteInfo({ id: 'x', name: 'x', language: 'eng', source: 'blimp', proxy: false, description: '', pairCount: 0, paradigms: [], pairs: [{ good: 'He is.', bad: 'He are.', paradigm: 'p' }] });
    expect(info).toMatchObject({ pairCount: 1, lengthOnlyAccuracy: 1, lengthOnlyMacroAccuracy: 1 });
    expect(suiteInfo({ id: 'e', name: 'e', language: 'eng', source: 'blimp', proxy: false, description: '', pairCount: 0, paradigms: [], pairs: [] }).lengthOnlyAccuracy).toBeUndefined();
  });
  it('fails the build, naming the suite, when length would decide a suite', () => {
    const biased = { ...suiteInfo({ id: 'agreement-old', name: 'old', language: 'eng', source: 'brown-agreement', proxy: false, description: '', pairCount: 0, paradigms: [], pairs: [{ good: 'It walks.', bad: 'It walk.', paradigm: 'v' }] }), pairs: [] };
    expect(() => checkLengthBalance([biased])).toThrow(/suite agreement-old: a length-only scorer gets 0\.0 % \(allowed: 50 ± 3 %\)/);
  });
});

describe('built-in suites', () => {
  it('a length-only scorer gets 50 % ± 3 on every one (over all pairs and per paradigm)', () => {
    expect(suites.length).toBe(index.suites.length);
    for (const s of suites) {
      const score = lengthOnlyScore(s.pairs);
      expect(Math.abs(score.accuracy - 0.5), s.id).toBeLessThanOrEqual(LENGTH_ONLY_TOLERANCE);
      expect(Math.abs(score.macroAccuracy - 0.5), s.id).toBeLessThanOrEqual(LENGTH_ONLY_TOLERANCE);
      const info = index.suites.find((i) => i.id === s.id)!;
      expect(info.lengthOnlyAccuracy, s.id).toBeCloseTo(score.accuracy, 12);
    }
  });

  it('agreement: both directions equally often in every paradigm, balanced in every prefix too', () => {
    const agreement = suites.find((s) => s.id === 'agreement-eng')!;
    expect(agreement.pairs.length).toBeGreaterThan(1000);
    expect(agreement.paradigms).toEqual(['be_past', 'be_present', 'do', 'have', 'verb_present']);
    for (const paradigm of agreement.paradigms) {
      const pairs = agreement.pairs.filter((p) => p.paradigm === paradigm);
      expect(pairs.length, paradigm).toBeGreaterThanOrEqual(50);
      const directions = new Map<string, number>();
      let goodLonger = 0;
      pairs.forEach((p, k) => {
        const d = p.extra!.direction as string;
        directions.set(d, (directions.get(d) ?? 0) + 1);
        if (bytes(p.good) > bytes(p.bad)) goodLonger++;
        // The two forms of a paradigm always differ in length, and every even prefix is balanced
        // (a budgeted evaluation takes a paradigm's first pairs).
        expect(bytes(p.good), p.good).not.toBe(bytes(p.bad));
        if (k % 2 === 1) expect(goodLonger, `${paradigm}, first ${k + 1} pairs`).toBe((k + 1) / 2);
      });
      expect([...directions.values()], paradigm).toEqual([pairs.length / 2, pairs.length / 2]);
      expect(goodLonger, paradigm).toBe(pairs.length / 2);
    }
  });

  it('agreement: one word swapped in a real held-out Brown sentence, one pair per sentence', () => {
    const valid = new Set(readFileSync(join(corporaDir, 'eng-brown.valid.txt'), 'utf8').split('\n'));
    const train = new Set(readFileSync(join(corporaDir, 'eng-brown.train.txt'), 'utf8').split('\n'));
    const agreement = suites.find((s) => s.id === 'agreement-eng')!;
    expect(new Set(agreement.pairs.map((p) => p.good)).size).toBe(agreement.pairs.length);
    for (const p of agreement.pairs) {
      const a = p.good.split(' ');
      const b = p.bad.split(' ');
      expect(a.length).toBe(b.length);
      expect(a.filter((w, i) => w !== b[i])).toHaveLength(1);
      expect(valid.has(p.good)).toBe(true);
      expect(train.has(p.good)).toBe(false);
    }
  });

  it('word order: hundreds of same-length pairs per language, each naming its held-out sentence', () => {
    const wordOrder = suites.filter((s) => s.source === 'word-order');
    expect(wordOrder.length).toBeGreaterThan(400);
    const sizes = wordOrder.map((s) => s.pairs.length).sort((a, b) => a - b);
    expect(sizes[0]).toBeGreaterThanOrEqual(MIN_PAIRS);
    expect(sizes[Math.floor(sizes.length / 2)]).toBeGreaterThanOrEqual(250);
    for (const id of ['eng-brown', 'udhr-eng', 'udhr-isl', 'udhr-fao', 'udhr-est', 'udhr-swe', 'udhr-fin', 'udhr-deu_1996', 'udhr-pes_1']) {
      const s = wordOrder.find((w) => w.id === `wordorder-${id}`)!;
      expect(s.pairs.length, id).toBeGreaterThanOrEqual(id === 'udhr-pes_1' ? MIN_PAIRS : 200);
      const held = readFileSync(join(corporaDir, `${id}.valid.txt`), 'utf8').split('\n').flatMap(sentencesOf).map((x) => x.split(/\s+/u).join(' '));
      const sentences = new Set(held);
      const groupOf = new Map<string, string>();
      for (const p of s.pairs) {
        expect(sentences.has(p.good), p.good).toBe(true);
        expect(p.group, id).toBeDefined();
        expect(groupOf.get(p.group!) ?? p.good).toBe(p.good);
        groupOf.set(p.group!, p.good);
      }
      expect(new Set(groupOf.values()).size).toBe(groupOf.size);
    }
    // Over 150,000 pairs: collect what is wrong rather than assert pair by pair.
    const problems: string[] = [];
    for (const s of wordOrder) {
      for (const p of s.pairs) {
        const g = p.good.split(' ');
        const b = p.bad.split(' ');
        const diff = g.map((w, i) => (w !== b[i] ? i : -1)).filter((i) => i >= 0);
        const swapped = diff.length === 2 && diff[0] > 0 && diff[1] - diff[0] <= MAX_SWAP_DISTANCE && swapWords(g, diff[0], diff[1]).join(' ') === p.bad;
        if (bytes(p.bad) !== bytes(p.good) || g.length !== b.length || !swapped) problems.push(`${s.id}: ${p.good} / ${p.bad}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('suite builders', () => {
  it('inflect verbs both ways', () => {
    expect(baseFormCandidates('carries')).toContain('carry');
    expect(baseFormCandidates('goes')).toContain('go');
    expect(baseFormCandidates('runs')).toEqual(['run']);
    expect(thirdPersonCandidates('try')).toEqual(['tries']);
    expect(thirdPersonCandidates('push')).toEqual(['pushes']);
  });
  it('word order: several swaps per sentence, one of each sentence first, deterministic, same length', () => {
    // A doubled space in the source must not make the swapped sentence shorter.
    const lines = ['Everyone has the right to life,  liberty and security of person. No one shall be held in slavery.'];
    const a = wordOrderPairs(lines);
    expect(a).toEqual(wordOrderPairs(lines));
    // 11 + 7 words, the first of each staying first: (9 + 8 + 7) + (5 + 4 + 3) swaps up to three apart.
    expect(a).toHaveLength(36);
    // Words move, marks stay: no full stop or comma lands in another place, no capital moves.
    const bads = new Set(a.map((p) => p.bad));
    expect(bads.has('Everyone has the right to liberty, life and security of person.')).toBe(true);
    expect(bads.has('Everyone has the right to life, liberty and security person of.')).toBe(true);
    expect(bads.has('No one shall be held slavery in.')).toBe(true);
    for (const p of a) expect(p.bad.replace(/[^\p{P}]/gu, '')).toBe(p.good.replace(/[^\p{P}]/gu, ''));
    expect(swapWords(['(a', 'b),', 'c'], 0, 1)).toEqual(['(b', 'a),', 'c']);
    expect(new Set(a.slice(0, 2).map((p) => p.group))).toEqual(new Set(['s0', 's1']));
    expect(a[0].good).toBe('Everyone has the right to life, liberty and security of person.');
    for (const p of a) expect(bytes(p.bad)).toBe(bytes(p.good));
    expect(new Set(a.map((p) => p.bad)).size).toBe(a.length);
    expect(wordOrderPairs(lines, 5)).toHaveLength(5);
    expect(sentencesOf('One two three. Four five six!')).toEqual(['One two three.', 'Four five six!']);
  });
});
