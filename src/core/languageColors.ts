// One colour per language, everywhere in the studio: a chart of English and Icelandic draws
// English in the same blue and Icelandic in the same red whether it is the training chart, the
// adaptation curves, a comparison, an experiment or the forgetting story. A colour is a function
// of the ISO 639-3 code alone (never of a line's position in a legend), so it cannot swap when a
// chart gains or loses a line. The featured languages have fixed colours; any other code gets a
// stable colour from a second palette by a hash of the code. Pure (core), so the exported
// experiment report draws its languages in the same colours as the studio's charts.

/** Fixed colours of the languages the studio features (its own corpora and the paper's). */
const FIXED: Record<string, string> = {
  eng: '#2563eb', // blue
  isl: '#dc2626', // red
  fao: '#16a34a', // green
  nor: '#9333ea', nob: '#9333ea', nno: '#7c3aed', // purple
  dan: '#ea580c', // orange
  swe: '#0891b2', // cyan
  deu: '#ca8a04', // amber
  fra: '#db2777', // pink
};

/** Colours for other languages, chosen to stay apart from the fixed ones and readable on white. */
const OTHER = ['#0d9488', '#b45309', '#4f46e5', '#be123c', '#15803d', '#a21caf', '#0369a1', '#854d0e', '#6d28d9', '#047857'];

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The colour of a language, by ISO 639-3 code (case-insensitive). */
export function languageColor(language: string): string {
  const code = language.toLowerCase();
  return FIXED[code] ?? OTHER[hash(code) % OTHER.length];
}

/** The colour of a corpus's language; a corpus the studio does not know is coloured by its id. */
export function corpusColor(corpusId: string, corpora: Record<string, { language: string }> | { id: string; language: string }[]): string {
  const info = Array.isArray(corpora) ? corpora.find((c) => c.id === corpusId) : corpora[corpusId];
  return languageColor(info?.language ?? corpusId);
}
