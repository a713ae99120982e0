// Minimal-pair suites (the BLiMP family): a grammatical and an ungrammatical sentence that differ
// minimally, grouped into paradigms. A pair is correct when the model gives the grammatical
// sentence the higher total log-probability.
import { lengthOnlyScore } from '../lengthBaseline';

export interface MinimalPair {
  good: string;
  bad: string;
  /** BLiMP's UID, MultiBLiMP's phenomenon, or the studio's paradigm name. */
  paradigm: string;
  /** Other fields of the source line, kept as they were. */
  extra?: Record<string, unknown>;
  /**
   * The source sentence's id where several pairs come from one sentence (the word-order suites
   * swap several word pairs of each held-out sentence). Pairs of one group are not independent:
   * an interval should resample groups, not pairs. Absent: the pair is a group of its own.
   */
  group?: string;
}

export type SuiteSource = 'brown-agreement' | 'word-order' | 'blimp' | 'multiblimp';

export interface SuiteInfo {
  id: string;
  name: string;
  /** ISO 639-3 code. */
  language: string;
  source: SuiteSource;
  /** True for suites that only approximate grammaticality (word-order swaps): say so in the UI. */
  proxy: boolean;
  description: string;
  pairCount: number;
  paradigms: string[];
  /**
   * Accuracy over all pairs of a scorer that only prefers the shorter sentence in UTF-8 bytes
   * (what a byte-level model's total log-probability rewards); equal lengths count half. Near
   * 0.5 means length cannot decide the suite. See lengthBaseline.ts.
   */
  lengthOnlyAccuracy?: number;
  /** The same scorer's macro average over paradigms. */
  lengthOnlyMacroAccuracy?: number;
}

export interface Suite extends SuiteInfo {
  pairs: MinimalPair[];
}

export interface SuiteIndex {
  version: 1;
  suites: SuiteInfo[];
}

/** A suite's description, with the counts and the length-only baseline derived from its pairs. */
export function suiteInfo(s: Suite): SuiteInfo {
  const { pairs, ...info } = s;
  const derived = { pairCount: pairs.length, paradigms: [...new Set(pairs.map((p) => p.paradigm))].sort() };
  if (pairs.length === 0) return { ...info, ...derived };
  const length = lengthOnlyScore(pairs);
  return { ...info, ...derived, lengthOnlyAccuracy: length.accuracy, lengthOnlyMacroAccuracy: length.macroAccuracy };
}
