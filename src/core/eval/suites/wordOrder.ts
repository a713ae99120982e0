// Word-order pairs for any language, from held-out text: a sentence against the same sentence
// with two adjacent words swapped. A proxy, not grammar: some swaps stay grammatical, and the
// pairs reward fluency in general. The UI labels them so.
import { hashString, mulberry32 } from '../../rng';
import type { MinimalPair } from './types';

const MIN_WORDS = 4;
const MAX_WORDS = 40;

/**
 * Sentences of a line: split after ., !, ?, and the Arabic, Devanagari and CJK full stops; a
 * sentence too long to pair (UDHR's preambles run to a hundred words) is cut at , ; and :.
 */
export function sentencesOf(line: string): string[] {
  const sentences = line.split(/(?<=[.!?؟।。！？])\s+/u).map((s) => s.trim()).filter((s) => s.length > 0);
  return sentences.flatMap((s) => (s.split(/\s+/u).length > MAX_WORDS ? s.split(/(?<=[,;:،؛])\s+/u).map((c) => c.trim()) : [s]));
}

/**
 * Up to `max` pairs from validation lines. The swap position is drawn from a generator seeded by
 * the sentence, so the same text always gives the same pairs; identical neighbours are skipped.
 */
export function wordOrderPairs(lines: string[], max = 200): MinimalPair[] {
  const pairs: MinimalPair[] = [];
  for (const line of lines) {
    for (const sentence of sentencesOf(line)) {
      if (pairs.length >= max) return pairs;
      const words = sentence.split(/\s+/u);
      if (words.length < MIN_WORDS || words.length > MAX_WORDS) continue;
      const rand = mulberry32(hashString(sentence));
      const candidates = [];
      for (let i = 0; i + 1 < words.length; i++) if (words[i] !== words[i + 1]) candidates.push(i);
      if (candidates.length === 0) continue;
      const i = candidates[Math.floor(rand() * candidates.length)];
      const swapped = words.slice();
      [swapped[i], swapped[i + 1]] = [swapped[i + 1], swapped[i]];
      pairs.push({ good: sentence, bad: swapped.join(' '), paradigm: 'adjacent_swap' });
    }
  }
  return pairs;
}
