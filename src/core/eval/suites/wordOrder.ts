// Word-order pairs for any language, from held-out text: a sentence against the same sentence
// with two of its words swapped (neighbours, or words two or three apart). A proxy, not grammar:
// some swaps stay grammatical, and the pairs reward fluency in general. The UI labels them so.
//
// Only the words move: punctuation stays where it was ("to life, liberty" -> "to liberty, life",
// never "person. of"), and the first word, which carries the capital, stays first, so a pair is
// not decided by a full stop in mid-sentence or a capital out of place. A swap keeps the words,
// the marks and the spaces, so both sentences have the same UTF-8 length and length cannot decide
// a pair. The held-out text of a UDHR declaration is a handful of sentences, so a
// suite takes several swaps of each sentence; every pair names its sentence in `group`, so an
// interval can count sentences rather than pairs.
import { hashString, mulberry32 } from '../../rng';
import { spread } from './spread';
import type { MinimalPair } from './types';

const MIN_WORDS = 4;
const MAX_WORDS = 40;

/** Words at most this far apart are swapped: 1 is neighbours. */
export const MAX_SWAP_DISTANCE = 3;

/** Pairs per suite by default: hundreds, so one pair moves the accuracy by a fraction of a point. */
export const MAX_WORD_ORDER_PAIRS = 500;

/** Paradigm of a swap of words `distance` apart. */
export function swapParadigm(distance: number): string {
  return distance === 1 ? 'adjacent_swap' : `swap_distance_${distance}`;
}

/**
 * Sentences of a line: split after ., !, ?, and the Arabic, Devanagari and CJK full stops; a
 * sentence too long to pair (UDHR's preambles run to a hundred words) is cut at , ; and :.
 */
export function sentencesOf(line: string): string[] {
  const sentences = line.split(/(?<=[.!?؟।。！？])\s+/u).map((s) => s.trim()).filter((s) => s.length > 0);
  return sentences.flatMap((s) => (s.split(/\s+/u).length > MAX_WORDS ? s.split(/(?<=[,;:،؛])\s+/u).map((c) => c.trim()) : [s]));
}

/** A whitespace-separated token as its leading marks, the word, its trailing marks. */
function partsOf(token: string): [string, string, string] {
  const m = /^(\p{P}*)(.*?)(\p{P}*)$/su.exec(token)!;
  return [m[1], m[2], m[3]];
}

/** The sentence with the words (not their marks) of tokens i and j exchanged. */
export function swapWords(tokens: string[], i: number, j: number): string[] {
  const out = tokens.slice();
  const a = partsOf(tokens[i]);
  const b = partsOf(tokens[j]);
  out[i] = a[0] + b[1] + a[2];
  out[j] = b[0] + a[1] + b[2];
  return out;
}

/**
 * Every swap of a sentence's words up to MAX_SWAP_DISTANCE apart that changes it, the first word
 * left in place, in an order seeded by the sentence.
 */
function swapsOf(words: string[]): [number, number][] {
  const core = words.map((w) => partsOf(w)[1]);
  const swaps: [number, number][] = [];
  for (let d = 1; d <= MAX_SWAP_DISTANCE; d++) {
    for (let i = 1; i + d < words.length; i++) if (core[i] && core[i + d] && core[i] !== core[i + d]) swaps.push([i, i + d]);
  }
  const rand = mulberry32(hashString(words.join(' ')));
  for (let k = swaps.length - 1; k > 0; k--) {
    const j = Math.floor(rand() * (k + 1));
    [swaps[k], swaps[j]] = [swaps[j], swaps[k]];
  }
  return swaps;
}

/**
 * Up to `max` pairs from validation lines, taken in rounds: one swap of every sentence, then a
 * second of every sentence, and so on, so the pairs cover as many sentences as they can; when a
 * round cannot be finished, the sentences that get a pair are spread over the text. Pairs come
 * out in that order, so any prefix covers the text too. Deterministic: the same text always
 * gives the same pairs.
 */
export function wordOrderPairs(lines: string[], max = MAX_WORD_ORDER_PAIRS): MinimalPair[] {
  const sentences: { words: string[]; swaps: [number, number][] }[] = [];
  const seen = new Set<string>();
  for (const line of lines) {
    for (const sentence of sentencesOf(line)) {
      const words = sentence.split(/\s+/u);
      const key = words.join(' ');
      if (words.length < MIN_WORDS || words.length > MAX_WORDS || seen.has(key)) continue;
      seen.add(key);
      const swaps = swapsOf(words);
      if (swaps.length > 0) sentences.push({ words, swaps });
    }
  }
  const pairs: MinimalPair[] = [];
  for (let round = 0; pairs.length < max; round++) {
    const open = sentences.map((s, group) => ({ ...s, group })).filter((s) => round < s.swaps.length);
    if (open.length === 0) break;
    for (const { words, swaps, group } of spread(open, max - pairs.length)) {
      const [i, j] = swaps[round];
      pairs.push({ good: words.join(' '), bad: swapWords(words, i, j).join(' '), paradigm: swapParadigm(j - i), group: `s${group}` });
    }
  }
  return pairs;
}
