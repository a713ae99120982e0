// The ids of the corpora and suites the studio ships with (public/corpora/index.json and the
// built-in suites) that code names on purpose: English is the base language and the replay
// corpus, Icelandic the default target. User corpora have other ids; nothing else is assumed.

/** The Brown corpus: the studio's English, base training text and replay corpus. */
export const ENGLISH_CORPUS = 'eng-brown';
/** Icelandic (UDHR): the Adapt panel's default target. */
export const ICELANDIC_CORPUS = 'udhr-isl';
/** English subject-verb agreement pairs drawn from Brown. */
export const ENGLISH_AGREEMENT_SUITE = 'agreement-eng';

/** The word-order suite built from a corpus's validation text. */
export const wordOrderSuite = (corpusId: string): string => `wordorder-${corpusId}`;
