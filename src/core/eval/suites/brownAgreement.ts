// English subject-verb agreement pairs built from real Brown sentences with their POS tags: one
// finite verb form (is/are, was/were, has/have, does/do, a present-tense verb) is swapped for the
// other number, so the two sentences differ in exactly one word. Only validation documents are
// used, so no model is scored on text it trained on.
import type { TaggedWord } from '../../data/corpusSplit';
import { detokenize } from '../../data/corpusSplit';
import type { MinimalPair } from './types';

/** Brown tag -> [paradigm, swap] for the auxiliaries; the swap keeps the word's capitalisation. */
const AUXILIARY_SWAPS: Record<string, { paradigm: string; swap: Record<string, string> }> = {
  bez: { paradigm: 'be_present', swap: { is: 'are' } },
  ber: { paradigm: 'be_present', swap: { are: 'is' } },
  bedz: { paradigm: 'be_past', swap: { was: 'were' } },
  bed: { paradigm: 'be_past', swap: { were: 'was' } },
  hvz: { paradigm: 'have', swap: { has: 'have' } },
  hv: { paradigm: 'have', swap: { have: 'has' } },
  doz: { paradigm: 'do', swap: { does: 'do' } },
  do: { paradigm: 'do', swap: { do: 'does' } },
};

/** Tags before which a base form is an infinitive, not a present-tense verb. */
const NON_FINITE_CONTEXT = new Set(['to', 'md', 'md*', 'do', 'doz', 'dod', 'do*', 'doz*', 'dod*']);

const MAX_WORDS = 30;

/** Third-person singular -> base form candidates (runs -> run, carries -> carry, goes -> go). */
export function baseFormCandidates(vbz: string): string[] {
  const w = vbz.toLowerCase();
  const out: string[] = [];
  if (w.endsWith('ies') && w.length > 4) out.push(`${w.slice(0, -3)}y`);
  if (/(ss|sh|ch|x|z|o)es$/.test(w)) out.push(w.slice(0, -2));
  if (w.endsWith('s') && !w.endsWith('ss')) out.push(w.slice(0, -1));
  return out;
}

/** Base form -> third-person singular candidates (the inverse rules). */
export function thirdPersonCandidates(vb: string): string[] {
  const w = vb.toLowerCase();
  if (/[^aeiou]y$/.test(w)) return [`${w.slice(0, -1)}ies`];
  if (/(ss|sh|ch|x|z|o)$/.test(w)) return [`${w}es`];
  return [`${w}s`];
}

function matchCase(template: string, word: string): string {
  if (template === template.toUpperCase() && template.length > 1) return word.toUpperCase();
  if (template[0] === template[0].toUpperCase()) return word[0].toUpperCase() + word.slice(1);
  return word;
}

export interface VerbLexicon {
  /** Lower-case words seen tagged vb (base form) and vbz (third-person singular). */
  base: Set<string>;
  thirdPerson: Set<string>;
}

export function verbLexicon(sentences: TaggedWord[][]): VerbLexicon {
  const base = new Set<string>();
  const thirdPerson = new Set<string>();
  for (const s of sentences) {
    for (const t of s) {
      if (t.tag === 'vb') base.add(t.word.toLowerCase());
      if (t.tag === 'vbz') thirdPerson.add(t.word.toLowerCase());
    }
  }
  return { base, thirdPerson };
}

/** The swapped form of token i of a sentence and its paradigm, or null when it makes no pair. */
function swapOf(s: TaggedWord[], i: number, lex: VerbLexicon): { word: string; paradigm: string } | null {
  const t = s[i];
  const prevTag = i > 0 ? s[i - 1].tag : '';
  const lower = t.word.toLowerCase();
  const aux = AUXILIARY_SWAPS[t.tag];
  if (aux) {
    const to = aux.swap[lower];
    if (!to) return null; // contractions and spelling variants
    if ((t.tag === 'hv' || t.tag === 'do') && (i === 0 || NON_FINITE_CONTEXT.has(prevTag))) return null;
    return { word: matchCase(t.word, to), paradigm: aux.paradigm };
  }
  if (t.tag === 'vbz') {
    const base = baseFormCandidates(lower).find((c) => lex.base.has(c));
    return base ? { word: matchCase(t.word, base), paradigm: 'verb_present_3sg' } : null;
  }
  if (t.tag === 'vb' && i > 0 && !NON_FINITE_CONTEXT.has(prevTag) && /^(nns|ppss|np[s$]?|pps)$/.test(prevTag)) {
    // Only right after a plural or pronoun subject: elsewhere a base form is often an imperative.
    const third = thirdPersonCandidates(lower).find((c) => lex.thirdPerson.has(c));
    return third ? { word: matchCase(t.word, third), paradigm: 'verb_present_plural' } : null;
  }
  return null;
}

/**
 * One pair per sentence at most (its first swappable verb), so no sentence weighs twice; at most
 * `maxPerParadigm` pairs per paradigm, taken in corpus order.
 */
export function brownAgreementPairs(sentences: TaggedWord[][], lex: VerbLexicon, maxPerParadigm = 250): MinimalPair[] {
  const pairs: MinimalPair[] = [];
  const perParadigm = new Map<string, number>();
  for (const s of sentences) {
    if (s.length < 3 || s.length > MAX_WORDS || s.some((t) => t.tag.endsWith('-hl'))) continue;
    for (let i = 0; i < s.length; i++) {
      const swap = swapOf(s, i, lex);
      if (!swap) continue;
      const n = perParadigm.get(swap.paradigm) ?? 0;
      if (n >= maxPerParadigm) break;
      const words = s.map((t) => t.word);
      const good = detokenize(words);
      words[i] = swap.word;
      pairs.push({ good, bad: detokenize(words), paradigm: swap.paradigm });
      perParadigm.set(swap.paradigm, n + 1);
      break;
    }
  }
  return pairs;
}
