// Loaders for minimal-pair files: BLiMP JSON Lines (sentence_good, sentence_bad, UID, ...) and
// MultiBLiMP tab-separated files (sen, wrong_sen, ...; a header row). A malformed line is
// reported with its file and line number and the rest of the file still loads. Files are read
// line by line as they stream in (readers below), so their size meets no limit but memory for
// the pairs; a file's problems are counted in full and the first MAX_LOAD_ERRORS kept.
import { forEachLine, type LineSink } from '../../data/lines';
import type { MinimalPair } from './types';

export type SuiteFormat = 'blimp' | 'multiblimp';

export interface LoadError {
  file: string;
  /** 1-based line number; 0 for a problem with the whole file. */
  line: number;
  message: string;
}

export interface LoadResult {
  pairs: MinimalPair[];
  /** The first MAX_LOAD_ERRORS problems, in file order. */
  errors: LoadError[];
  /** All problems (skipped lines and whole-file ones), also those not kept in `errors`. */
  errorCount: number;
  /** Language read from the file (MultiBLiMP's lang column or the file name), if any. */
  language?: string;
}

/** Problems kept with their line: enough to find them; 300,000 bad lines make a count, not a list. */
export const MAX_LOAD_ERRORS = 100;

/** Levels of [ and { a BLiMP line may nest: its fields are strings and labels, a level or two. */
export const MAX_JSON_DEPTH = 32;

/** A file's lines go in as they are read (a LineSink); its pairs and problems come out at the end. */
export interface SuiteReader extends LineSink {
  result(): LoadResult;
}

/** Counts every problem, keeps the first MAX_LOAD_ERRORS. */
class Problems {
  readonly kept: LoadError[] = [];
  count = 0;
  constructor(private readonly file: string) {}
  add(line: number, message: string): void {
    this.count++;
    if (this.kept.length < MAX_LOAD_ERRORS) this.kept.push({ file: this.file, line, message });
  }
}

/** The first `shown` problems as "file:line message" (a whole-file one has no line), then how many more. */
export function describeLoadErrors(errors: LoadError[], errorCount: number, shown = 3): string {
  const first = errors.slice(0, shown).map((e) => `${e.file}${e.line ? `:${e.line}` : ''} ${e.message}`).join('; ');
  return errorCount > shown ? `${first}; and ${errorCount - shown} more` : first;
}

const tooLongMessage = (limit: number) => `is longer than ${limit} characters; a line holds one pair`;

/**
 * The deepest nesting of [ and { in a line of JSON, outside strings. Read before JSON.parse: a line
 * of 10,000 brackets parses, but storing or sending the object it gives (IndexedDB, postMessage)
 * recurses once per level and overflows the stack.
 */
export function jsonNesting(line: string): number {
  // The usual BLiMP line, one flat object, is told by the engine's native search alone.
  if (line.indexOf('[') < 0 && line.lastIndexOf('{') <= 0) return line.startsWith('{') ? 1 : 0;
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

const BLIMP_KNOWN = new Set(['sentence_good', 'sentence_bad', 'UID']);

/** BLiMP's paradigm when a line has no UID: the file's base name. */
const baseName = (file: string) => file.replace(/\.[^.]*$/, '').replace(/^.*[\\/]/, '');

export function blimpReader(file: string): SuiteReader {
  const pairs: MinimalPair[] = [];
  const problems = new Problems(file);
  return {
    line(raw, n) {
      const line = raw.trim();
      if (!line) return;
      const depth = jsonNesting(line);
      if (depth > MAX_JSON_DEPTH) {
        problems.add(n, `nests ${depth} levels deep; a BLiMP line is an object of sentences and labels, read up to ${MAX_JSON_DEPTH} levels`);
        return;
      }
      let obj: Record<string, unknown>;
      try {
        obj = JSON.parse(line);
      } catch (e) {
        problems.add(n, `not valid JSON (${(e as Error).message})`);
        return;
      }
      if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
        problems.add(n, 'not a JSON object');
        return;
      }
      const missing = ['sentence_good', 'sentence_bad'].filter((k) => typeof obj[k] !== 'string' || !(obj[k] as string).trim());
      if (missing.length) {
        problems.add(n, `missing or empty ${missing.join(' and ')}`);
        return;
      }
      const uid = typeof obj.UID === 'string' && obj.UID ? obj.UID : baseName(file);
      const extra = Object.fromEntries(Object.entries(obj).filter(([k]) => !BLIMP_KNOWN.has(k)));
      pairs.push({ good: (obj.sentence_good as string).trim(), bad: (obj.sentence_bad as string).trim(), paradigm: uid, extra });
    },
    tooLong(n, limit) {
      problems.add(n, tooLongMessage(limit));
    },
    result() {
      if (pairs.length === 0 && problems.count === 0) problems.add(0, 'the file has no pairs (it is empty)');
      return { pairs, errors: problems.kept, errorCount: problems.count };
    },
  };
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

/** The first non-blank line is the header; a header without sen and wrong_sen refuses the file. */
export function multiBlimpReader(file: string): SuiteReader {
  const pairs: MinimalPair[] = [];
  const problems = new Problems(file);
  const languages = new Set<string>();
  let header: string[] | undefined;
  let refused = false;
  let col = { sen: -1, wrong: -1, phenomenon: -1, feature: -1, lang: -1 };
  return {
    line(raw, n) {
      if (refused || !raw.trim()) return;
      if (!header) {
        header = raw.split('\t').map((h) => h.trim());
        const at = (name: string) => header!.indexOf(name);
        col = { sen: at('sen'), wrong: at('wrong_sen'), phenomenon: at('phenomenon'), feature: at('grammatical_feature'), lang: at('lang') };
        const missing = ['sen', 'wrong_sen'].filter((name) => at(name) < 0);
        if (missing.length) {
          problems.add(n, `the header lacks column(s) ${missing.join(', ')}; found: ${header.join(', ')}`);
          refused = true;
        }
        return;
      }
      const cells = raw.split('\t');
      if (cells.length < header.length) {
        problems.add(n, `has ${cells.length} columns, the header has ${header.length}`);
        return;
      }
      const good = cells[col.sen].trim();
      const bad = cells[col.wrong].trim();
      if (!good || !bad) {
        problems.add(n, 'sen or wrong_sen is empty');
        return;
      }
      const extra = Object.fromEntries(header.map((h, k) => [h, cells[k]]).filter(([h]) => h !== 'sen' && h !== 'wrong_sen'));
      const paradigm = (col.phenomenon >= 0 && cells[col.phenomenon].trim()) || (col.feature >= 0 && cells[col.feature].trim()) || 'agreement';
      if (col.lang >= 0 && cells[col.lang].trim()) languages.add(cells[col.lang].trim());
      pairs.push({ good, bad, paradigm, extra });
    },
    tooLong(n, limit) {
      if (refused) return;
      // A header that long is no header: nothing after it can be read.
      if (!header) refused = true;
      problems.add(n, header ? tooLongMessage(limit) : `the header is longer than ${limit} characters`);
    },
    result() {
      if (!header && problems.count === 0) problems.add(0, 'the file is empty');
      else if (header && !refused && pairs.length === 0 && problems.count === 0) problems.add(0, 'the file has a header but no pairs');
      const language = languages.size === 1 ? [...languages][0] : languageFromFileName(file);
      return { pairs, errors: problems.kept, errorCount: problems.count, language };
    },
  };
}

export function suiteReader(format: SuiteFormat, file: string): SuiteReader {
  return format === 'blimp' ? blimpReader(file) : multiBlimpReader(file);
}

/** A whole BLiMP file already in memory. */
export function parseBlimpJsonl(file: string, text: string): LoadResult {
  return readText(blimpReader(file), text);
}

/** A whole MultiBLiMP file already in memory. */
export function parseMultiBlimpTsv(file: string, text: string): LoadResult {
  return readText(multiBlimpReader(file), text);
}

function readText(reader: SuiteReader, text: string): LoadResult {
  forEachLine(text, reader);
  return reader.result();
}
