// Names of the files the studio writes, saying what they hold: a checkpoint's archive is the
// slug of its name (`ties-fao-isl.zip`), an evaluation's export names its models, suites and
// date. Slugs are safe on every file system (ASCII letters, digits, '-'), never empty, and short
// enough to leave room for a suffix.

/** Longest slug, in characters: file systems allow 255 bytes, and names get suffixes. */
export const MAX_SLUG = 80;

/**
 * A file-name slug of `text`: accents dropped (Þ and ð spelt th and d, as Icelandic is
 * transliterated), "×2" kept as "x2", anything else not a letter or digit made one '-', lower case.
 * `fallback` when nothing is left.
 */
export function slugify(text: string, fallback = 'checkpoint', max = MAX_SLUG): string {
  const slug = text
    .replace(/[Þþ]/g, 'th').replace(/[Ðð]/g, 'd').replace(/[Ææ]/g, 'ae').replace(/[Øø]/g, 'o').replace(/ß/g, 'ss')
    .replace(/×/g, 'x')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = slug.slice(0, max).replace(/-+$/, '');
  return cut || fallback;
}

/** The day of an ISO time, as in file names: 2026-11-22. */
export function dayOf(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? slugify(iso, 'undated', 10) : d.toISOString().slice(0, 10);
}

/**
 * Joins the slugs of several names with '+' for a file name, at most `max` characters: when
 * they do not fit, the first ones and "and-N-more".
 */
export function joinSlugs(names: string[], max = MAX_SLUG): string {
  const slugs = names.map((n) => slugify(n));
  for (let k = slugs.length; k > 0; k--) {
    const rest = slugs.length - k;
    const text = slugs.slice(0, k).join('+') + (rest ? `+and-${rest}-more` : '');
    if (text.length <= max || k === 1) return text.slice(0, max);
  }
  return 'none';
}

/** `eval-<models>-on-<suites>-<day>.csv`: what an evaluation export holds, in its name. */
export function evaluationFileName(r: { createdAt: string; checkpoints: { name: string }[]; suites: { name: string }[] }, format: 'csv' | 'json'): string {
  const models = joinSlugs(r.checkpoints.map((c) => c.name), 60);
  const suites = r.suites.length ? joinSlugs(r.suites.map((s) => s.name), 50) : 'validation';
  return `eval-${models}-on-${suites}-${dayOf(r.createdAt)}.${format}`;
}
