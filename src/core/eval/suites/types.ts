// Minimal-pair suites (the BLiMP family): a grammatical and an ungrammatical sentence that differ
// minimally, grouped into paradigms. A pair is correct when the model gives the grammatical
// sentence the higher total log-probability.

export interface MinimalPair {
  good: string;
  bad: string;
  /** BLiMP's UID, MultiBLiMP's phenomenon, or the studio's paradigm name. */
  paradigm: string;
  /** Other fields of the source line, kept as they were. */
  extra?: Record<string, unknown>;
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
}

export interface Suite extends SuiteInfo {
  pairs: MinimalPair[];
}

export interface SuiteIndex {
  version: 1;
  suites: SuiteInfo[];
}

export function suiteInfo(s: Suite): SuiteInfo {
  const { pairs, ...info } = s;
  return { ...info, pairCount: pairs.length, paradigms: [...new Set(pairs.map((p) => p.paradigm))].sort() };
}
