// Loaders for minimal-pair files: BLiMP JSON Lines (sentence_good, sentence_bad, UID, ...) and
// MultiBLiMP tab-separated files (sen, wrong_sen, ...; a header row). A malformed line is
// reported with its file and line number and the rest of the file still loads.
import type { MinimalPair } from './types';

export interface LoadError {
  file: string;
  /** 1-based line number; 0 for a problem with the whole file. */
  line: number;
  message: string;
}

export interface LoadResult {
  pairs: MinimalPair[];
  errors: LoadError[];
  /** Language read from the file (MultiBLiMP's lang column or the file name), if any. */
  language?: string;
}

function lines(text: string): string[] {
  // CRLF, LF and CR-only (old Mac) line endings alike.
  return text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
}

const BLIMP_KNOWN = new Set(['sentence_good', 'sentence_bad', 'UID']);

export function parseBlimpJsonl(file: string, text: string): LoadResult {
  const pairs: MinimalPair[] = [];
  const errors: LoadError[] = [];
  lines(text).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      errors.push({ file, line: i + 1, message: `not valid JSON (${(e as Error).message})` });
      return;
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      errors.push({ file, line: i + 1, message: 'not a JSON object' });
      return;
    }
    const missing = ['sentence_good', 'sentence_bad'].filter((k) => typeof obj[k] !== 'string' || !(obj[k] as string).trim());
    if (missing.length) {
      errors.push({ file, line: i + 1, message: `missing or empty ${missing.join(' and ')}` });
      return;
    }
    const uid = typeof obj.UID === 'string' && obj.UID ? obj.UID : file.replace(/\.[^.]*$/, '').replace(/^.*[\\/]/, '');
    const extra = Object.fromEntries(Object.entries(obj).filter(([k]) => !BLIMP_KNOWN.has(k)));
    pairs.push({ good: (obj.sentence_good as string).trim(), bad: (obj.sentence_bad as string).trim(), paradigm: uid, extra });
  });
  if (pairs.length === 0 && errors.length === 0) errors.push({ file, line: 0, message: 'the file has no pairs (it is empty)' });
  return { pairs, errors };
}

/** MultiBLiMP keeps one file per language; a name like "fao.tsv" or ".../fao/data.tsv" tells which. */
export function languageFromFileName(file: string): string | undefined {
  const parts = file.toLowerCase().split(/[\\/]/);
  for (const p of [parts[parts.length - 1].replace(/\.[^.]*$/, ''), parts[parts.length - 2] ?? '']) {
    const m = /^([a-z]{3})(?:[_-].*)?$/.exec(p);
    if (m) return m[1];
  }
  return undefined;
}

export function parseMultiBlimpTsv(file: string, text: string): LoadResult {
  const all = lines(text);
  const headerIndex = all.findIndex((l) => l.trim() !== '');
  if (headerIndex < 0) return { pairs: [], errors: [{ file, line: 0, message: 'the file is empty' }] };
  const header = all[headerIndex].split('\t').map((h) => h.trim());
  const col = (name: string) => header.indexOf(name);
  const missing = ['sen', 'wrong_sen'].filter((n) => col(n) < 0);
  if (missing.length) {
    return { pairs: [], errors: [{ file, line: headerIndex + 1, message: `the header lacks column(s) ${missing.join(', ')}; found: ${header.join(', ')}` }] };
  }
  const pairs: MinimalPair[] = [];
  const errors: LoadError[] = [];
  const languages = new Set<string>();
  for (let i = headerIndex + 1; i < all.length; i++) {
    if (!all[i].trim()) continue;
    const cells = all[i].split('\t');
    if (cells.length < header.length) {
      errors.push({ file, line: i + 1, message: `has ${cells.length} columns, the header has ${header.length}` });
      continue;
    }
    const good = cells[col('sen')].trim();
    const bad = cells[col('wrong_sen')].trim();
    if (!good || !bad) {
      errors.push({ file, line: i + 1, message: 'sen or wrong_sen is empty' });
      continue;
    }
    const extra = Object.fromEntries(header.map((h, k) => [h, cells[k]]).filter(([h]) => h !== 'sen' && h !== 'wrong_sen'));
    const paradigm = (col('phenomenon') >= 0 && cells[col('phenomenon')].trim()) || (col('grammatical_feature') >= 0 && cells[col('grammatical_feature')].trim()) || 'agreement';
    if (col('lang') >= 0 && cells[col('lang')].trim()) languages.add(cells[col('lang')].trim());
    pairs.push({ good, bad, paradigm, extra });
  }
  if (pairs.length === 0 && errors.length === 0) errors.push({ file, line: 0, message: 'the file has a header but no pairs' });
  const language = languages.size === 1 ? [...languages][0] : languageFromFileName(file);
  return { pairs, errors, language };
}
