import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { characters, defaultRule, pairAccuracy, type PairRule, ruleTexts, scorePairs } from './minimalPairs';
import { decodeVerdicts } from './stats';
import { forward, type LlamaModel } from '../model/llama';
import type { Tokenizer } from '../tokenizer/tokenizer';
import { hfTokenizerFromFiles, importTokenizer } from '../tokenizer/hf';
import { bpeTokenizerFiles } from '../testing/bpeFixture';
import { scoreTexts } from './score';
import { parseBlimpJsonl, parseMultiBlimpTsv, languageFromFileName } from './suites/loaders';
import { tinyModel } from '../testing/fixtures';
import { ByteTokenizer } from '../tokenizer/byte';
import { referenceKernels } from '../kernels';

const SAMPLE = 'the cat sat on the mat . the dog sat on the log . they sat there and then the cat ran to the dog .\n'.repeat(5);

/** lm-eval's loglikelihood("", continuation) by hand: BOS, then log p of each continuation token. */
function handLoglikelihood(model: LlamaModel, tok: Tokenizer, continuation: string): number {
  const ids = [tok.bos, ...tok.encode(continuation)];
  const logp = tf.tidy(() => tf.logSoftmax(forward(model, tf.tensor2d([ids.slice(0, -1)], [1, ids.length - 1], 'int32'), referenceKernels), -1).arraySync()) as number[][][];
  let sum = 0;
  for (let t = 1; t < ids.length; t++) sum += logp[0][t - 1][ids[t]];
  return sum;
}

describe('scorePairs', () => {
  it('macro-averages paradigms under the BLiMP rule, with every lm-eval number labelled', async () => {
    const model = tinyModel({ vocab_size: 259 }, 8, 5);
    const tok = new ByteTokenizer();
    const pairs = [
      { good: 'The dog runs.', bad: 'The dog run.', paradigm: 'a' },
      { good: 'They are here.', bad: 'They is here.', paradigm: 'a' },
      { good: 'A cat sleeps.', bad: 'A cat sleep.', paradigm: 'a' },
      { good: 'Is it on?', bad: 'Are it on?', paradigm: 'b' },
    ];
    const good = await scoreTexts(model, tok, pairs.map((p) => ' ' + p.good), referenceKernels);
    const bad = await scoreTexts(model, tok, pairs.map((p) => ' ' + p.bad), referenceKernels);
    const s = scorePairs(pairs, good, bad, 'lm-eval blimp');
    const hand = (idx: number[]) => idx.filter((i) => good[i] >= bad[i]).length / idx.length;
    expect(s.paradigms.map((p) => p.accuracy)).toEqual([hand([0, 1, 2]), hand([3])]);
    expect(s.headline).toBe('macro');
    expect(s.accuracy).toBeCloseTo((hand([0, 1, 2]) + hand([3])) / 2, 12);
    expect(s.macro.value).toBe(s.accuracy);
    expect(s.overall.value).toBeCloseTo(hand([0, 1, 2, 3]), 12);
    expect(s.overall.method).toBe('wilson');
    expect(s.norm).toBeUndefined();
    expect(decodeVerdicts(s.verdicts, 4)).toEqual(pairs.map((_, i) => good[i] >= bad[i]));
  });

  it('counts a tie as correct (np.argmax takes the first of equal values)', () => {
    const s = scorePairs([{ good: 'a', bad: 'b', paradigm: 'x' }], [-3], [-3], 'lm-eval blimp');
    expect(s.accuracy).toBe(1);
    expect(scorePairs([{ good: 'a', bad: 'b', paradigm: 'x' }], [-3], [-3], 'lm-eval multiblimp').norm!.value).toBe(1);
  });

  it('reports MultiBLiMP acc over all pairs and acc_norm divided by characters, not UTF-16 units or bytes', () => {
    // 'ab𝔸' is 3 characters (4 UTF-16 units, 6 bytes): −6.2 / 3 < −8 / 4, so acc_norm picks the bad
    // sentence, which dividing by JS length (−1.55) or bytes (−1.03) would not.
    const pairs = [
      { good: 'ab𝔸', bad: 'abcd', paradigm: 'SV-#' },
      { good: 'Hann fer.', bad: 'Hann förum.', paradigm: 'SV-#' },
      { good: 'Vit fara.', bad: 'Vit fer.', paradigm: 'SV-P' },
    ];
    const s = scorePairs(pairs, [-6.2, -20, -30], [-8, -21, -25], 'lm-eval multiblimp');
    expect(s.headline).toBe('pairs');
    expect(s.accuracy).toBeCloseTo(2 / 3, 12); // acc: −6.2 > −8, −20 > −21, −30 < −25
    expect(s.macro.value).toBeCloseTo((1 + 0) / 2, 12);
    // acc_norm: −6.2/3 = −2.07 < −8/4 = −2; −20/9 = −2.22 < −21/11 = −1.91; −30/9 = −3.33 < −25/8 = −3.13: all wrong.
    expect(decodeVerdicts(s.normVerdicts!, 3)).toEqual([false, false, false]);
    expect(s.norm!.value).toBe(0);
    expect(characters('ab𝔸')).toBe(3);
  });

  it('scores the training-time accuracy by the same rule: " " + sentence for BLiMP, the sentence alone for MultiBLiMP', async () => {
    const pairs = [{ good: 'ab', bad: 'abc', paradigm: 'x' }];
    const seen: string[][] = [];
    // A scorer that ties both sentences: the BLiMP rule counts the tie as correct.
    const score = async (texts: string[]) => (seen.push(texts), texts.map(() => -1));
    expect(await pairAccuracy(pairs, 'lm-eval blimp', score)).toBe(1);
    expect(await pairAccuracy(pairs, 'lm-eval multiblimp', score)).toBe(1);
    expect(seen).toEqual([[' ab', ' abc'], ['ab', 'abc']]);
    expect(defaultRule('brown-agreement')).toBe('lm-eval blimp');
    expect(defaultRule('word-order')).toBe('lm-eval blimp');
    expect(defaultRule('blimp')).toBe('lm-eval blimp');
    expect(defaultRule('multiblimp')).toBe('lm-eval multiblimp');
  });

  it('refuses a rule it does not know, naming the ones it does', () => {
    expect(() => scorePairs([], [], [], 'legacy' as PairRule)).toThrow(/rule must be one of "lm-eval blimp", "lm-eval multiblimp", got "legacy"/);
  });

  it('keeps pairs of one source sentence together in the interval', () => {
    // 40 pairs from 8 sentences whose pairs are all right or all wrong: about 8 observations, not 40.
    const pairs = Array.from({ length: 40 }, (_, i) => ({ good: `g${i}`, bad: `b${i}`, paradigm: 'swap', group: `s${i % 8}` }));
    const good = pairs.map((_, i) => (i % 8 < 5 ? 0 : -1));
    const grouped = scorePairs(pairs, good, pairs.map(() => -0.5), 'lm-eval blimp');
    const flat = scorePairs(pairs.map(({ group: _, ...p }) => p), good, pairs.map(() => -0.5), 'lm-eval blimp');
    expect(grouped.accuracy).toBe(flat.accuracy);
    expect(grouped.overall.method).toBe('cluster bootstrap');
    expect(flat.overall.method).toBe('wilson');
    expect(grouped.overall.hi - grouped.overall.lo).toBeGreaterThan(1.5 * (flat.overall.hi - flat.overall.lo));
  });
});

describe('lm-eval BLiMP rule on a byte-level BPE tokenizer', () => {
  it('scores " " + sentence after BOS exactly as lm-eval does by hand, and flips verdicts against the old rule', async () => {
    const files = bpeTokenizerFiles(SAMPLE, 40);
    const imported = await importTokenizer({ tokenizer: files.tokenizer, config: files.config }, { bos: 0, eos: 0 }, files.vocabSize);
    if (imported.spec.kind !== 'hf') throw new Error('expected a BPE tokenizer');
    const tok = hfTokenizerFromFiles(imported.files!, imported.spec);
    // The continuation is tokenised without BOS, and " the" is not "the" with a space in front.
    expect(tok.encode(' the cat')[0]).not.toBe(tok.bos);
    expect(tok.encode(' the cat').length).toBeLessThan(1 + tok.encode('the cat').length);
    const model = tinyModel({ vocab_size: files.vocabSize, max_position_embeddings: 64 }, 2, 8);
    // Word-order pairs (two adjacent words swapped) over the tokenizer's own words: with the
    // delimiter every word after the first is its merged " word" token either way; without it the
    // first word is split differently, which is where the rules part.
    const sentences = ['the cat sat on the mat .', 'the dog sat on the log .', 'they sat there and then the cat ran to the dog .'];
    const pairs = sentences.flatMap((line, k) => {
      const w = line.split(' ');
      return w.slice(0, -2).map((_, i) => ({ good: line, bad: [...w.slice(0, i), w[i + 1], w[i], ...w.slice(i + 2)].join(' '), paradigm: `s${k}` }));
    });
    const texts = ruleTexts(pairs, 'lm-eval blimp');
    expect(texts[0]).toBe(' ' + pairs[0].good);
    const scores = await scoreTexts(model, tok, texts, referenceKernels);
    const n = pairs.length;
    const good = pairs.map((p) => handLoglikelihood(model, tok, ' ' + p.good));
    const bad = pairs.map((p) => handLoglikelihood(model, tok, ' ' + p.bad));
    scores.slice(0, n).forEach((s, i) => expect(s).toBeCloseTo(good[i], 3));
    const s = scorePairs(pairs, scores.slice(0, n), scores.slice(n), 'lm-eval blimp');
    const handAcc = (k: string) => { const idx = pairs.map((p, i) => (p.paradigm === k ? i : -1)).filter((i) => i >= 0); return idx.filter((i) => good[i] >= bad[i]).length / idx.length; };
    expect(s.accuracy).toBeCloseTo((handAcc('s0') + handAcc('s1') + handAcc('s2')) / 3, 12);
    // The old rule: the sentence alone after BOS, a tie wrong.
    const oldGood = await scoreTexts(model, tok, pairs.map((p) => p.good), referenceKernels);
    const oldBad = await scoreTexts(model, tok, pairs.map((p) => p.bad), referenceKernels);
    const oldOk = pairs.map((_, i) => oldGood[i] > oldBad[i]);
    const flips = pairs.filter((_, i) => oldOk[i] !== good[i] >= bad[i]).length;
    const oldMacro = ['s0', 's1', 's2'].reduce((a, k) => { const idx = pairs.map((p, i) => (p.paradigm === k ? i : -1)).filter((i) => i >= 0); return a + idx.filter((i) => oldOk[i]).length / idx.length / 3; }, 0);
    console.log(`BPE fixture: ${flips} of ${n} verdicts flip between the old rule and lm-eval's BLiMP rule; macro accuracy ${(100 * s.accuracy).toFixed(1)} % (lm-eval blimp) vs ${(100 * oldMacro).toFixed(1)} % (old rule)`);
    expect(flips).toBe(5);
    expect(Math.abs(s.accuracy - oldMacro)).toBeGreaterThan(0.01);
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
