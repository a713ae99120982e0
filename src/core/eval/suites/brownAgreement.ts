// English subject-verb agreement pairs built from real Brown sentences with their POS tags: one
// finite verb form (is/are, was/were, has/have, does/do, a present-tense verb) is swapped for the
// other number, so the two sentences differ in exactly one word. Only validation documents are
// used, so no model is scored on text it trained on.
//
// Length cannot decide a paradigm: each paradigm holds its two directions (is→are and are→is,
// walks→walk and walk→walks) in equal numbers, and the two forms of a paradigm always differ in
// length the same way, so the grammatical sentence is the longer one in exactly half its pairs.
// A byte-level model's total log-probability falls with length; a suite where the good sentence
// were always the shorter would score any model by length alone.
import type { TaggedWord } from '../../data/corpusSplit';
import { detokenize } from '../../data/corpusSplit';
import { spread } from './spread';
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

/** The paradigm of lexical present-tense verbs: walks→walk (3sg_to_plural) and walk→walks. */
const VERB_PARADIGM = 'verb_present';

/** Tags before which a base form is an infinitive, not a present-tense verb. */
const NON_FINITE_CONTEXT = new Set(['to', 'md', 'md*', 'do', 'doz', 'dod', 'do*', 'doz*', 'dod*']);

const MAX_WORDS = 30;

/** Pairs per paradigm by default: as many as the Brown validation documents allow (about 2 × 250). */
export const MAX_PER_PARADIGM = 500;

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

/** One way a sentence can be made ungrammatical: token `index` becomes `word`. */
export interface AgreementSwap {
  index: number;
  word: string;
  paradigm: string;
  /** Which way the number changes, e.g. "is>are" or "3sg>plural"; a paradigm has two. */
  direction: string;
}

/** The swapped form of token i of a sentence, or null when it makes no pair. */
function swapOf(s: TaggedWord[], i: number, lex: VerbLexicon): AgreementSwap | null {
  const t = s[i];
  const prevTag = i > 0 ? s[i - 1].tag : '';
  const lower = t.word.toLowerCase();
  const aux = AUXILIARY_SWAPS[t.tag];
  if (aux) {
    const to = aux.swap[lower];
    if (!to) return null; // contractions and spelling variants
    if ((t.tag === 'hv' || t.tag === 'do') && (i === 0 || NON_FINITE_CONTEXT.has(prevTag))) return null;
    return { index: i, word: matchCase(t.word, to), paradigm: aux.paradigm, direction: `${lower}>${to}` };
  }
  if (t.tag === 'vbz') {
    const base = baseFormCandidates(lower).find((c) => lex.base.has(c));
    return base ? { index: i, word: matchCase(t.word, base), paradigm: VERB_PARADIGM, direction: '3sg>plural' } : null;
  }
  if (t.tag === 'vb' && i > 0 && !NON_FINITE_CONTEXT.has(prevTag) && /^(nns|ppss|np[s$]?|pps)$/.test(prevTag)) {
    // Only right after a plural or pronoun subject: elsewhere a base form is often an imperative.
    const third = thirdPersonCandidates(lower).find((c) => lex.thirdPerson.has(c));
    return third ? { index: i, word: matchCase(t.word, third), paradigm: VERB_PARADIGM, direction: 'plural>3sg' } : null;
  }
  return null;
}

/** Every swap a sentence offers (none for headlines, very short or very long sentences). */
export function agreementSwaps(s: TaggedWord[], lex: VerbLexicon): AgreementSwap[] {
  if (s.length < 3 || s.length > MAX_WORDS || s.some((t) => t.tag.endsWith('-hl'))) return [];
  const out: AgreementSwap[] = [];
  for (let i = 0; i < s.length; i++) {
    const swap = swapOf(s, i, lex);
    if (swap) out.push(swap);
  }
  return out;
}

/**
 * Pairs with both directions of every paradigm in equal numbers, one pair per sentence (a
 * sentence weighs once) and no sentence twice. A sentence offering several swaps gives the one
 * whose direction the corpus offers least, so the scarce directions (are→is, walk→walks) set
 * paradigm sizes as large as the data allows. Per paradigm, min(count of each direction,
 * maxPerParadigm / 2) pairs per direction, spread evenly over the corpus, written alternately
 * (is→are, are→is, …) so that any prefix of a paradigm is balanced too.
 */
export function brownAgreementPairs(sentences: TaggedWord[][], lex: VerbLexicon, maxPerParadigm = MAX_PER_PARADIGM): MinimalPair[] {
  const seen = new Set<string>();
  const offers: { words: string[]; swaps: AgreementSwap[] }[] = [];
  const available = new Map<string, number>();
  for (const s of sentences) {
    const swaps = agreementSwaps(s, lex);
    const words = s.map((t) => t.word);
    const key = words.join(' ');
    if (swaps.length === 0 || seen.has(key)) continue;
    seen.add(key);
    offers.push({ words, swaps });
    for (const d of new Set(swaps.map((w) => w.direction))) available.set(d, (available.get(d) ?? 0) + 1);
  }
  // paradigm -> direction -> pairs, in corpus order
  const byParadigm = new Map<string, Map<string, MinimalPair[]>>();
  for (const { words, swaps } of offers) {
    const pick = swaps.reduce((a, b) => ((available.get(b.direction) ?? 0) < (available.get(a.direction) ?? 0) ? b : a));
    const bad = words.slice();
    bad[pick.index] = pick.word;
    const directions = byParadigm.get(pick.paradigm) ?? new Map<string, MinimalPair[]>();
    const list = directions.get(pick.direction) ?? [];
    list.push({ good: detokenize(words), bad: detokenize(bad), paradigm: pick.paradigm, extra: { direction: pick.direction } });
    directions.set(pick.direction, list);
    byParadigm.set(pick.paradigm, directions);
  }
  const pairs: MinimalPair[] = [];
  for (const paradigm of [...byParadigm.keys()].sort()) {
    const lists = [...byParadigm.get(paradigm)!].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, l]) => l);
    if (lists.length !== 2) continue; // a paradigm with one direction only could be scored by length
    const n = Math.min(lists[0].length, lists[1].length, Math.floor(maxPerParadigm / 2));
    const [a, b] = lists.map((l) => spread(l, n));
    for (let k = 0; k < n; k++) pairs.push(a[k], b[k]);
  }
  return pairs;
}
