// Turns the embedded corpora (Brown, UDHR) and a user's own files into clean lines of text, and
// splits them into train and validation by one deterministic rule, so every run sees the same split.
import { forEachLine } from './lines';

export interface CorpusInfo {
  id: string;
  /** ISO 639-3 code. */
  language: string;
  name: string;
  source: 'brown' | 'udhr' | 'user';
  /** UTF-8 byte length of `<id>.train.txt`. */
  trainBytes: number;
  /** UTF-8 byte length of `<id>.valid.txt`. */
  validBytes: number;
  /** Shown first in the corpus picker. */
  featured: boolean;
}

export interface CorpusIndex {
  version: 1;
  corpora: CorpusInfo[];
}

// ---- split ----

/** Every 10th unit (a Brown document, a UDHR paragraph, a user line) is held out for validation. */
export function isValidationUnit(index: number): boolean {
  return index % 10 === 9;
}

export function splitUnits<T>(units: T[]): { train: T[]; valid: T[] } {
  const train: T[] = [];
  const valid: T[] = [];
  units.forEach((unit, i) => (isValidationUnit(i) ? valid : train).push(unit));
  return { train, valid };
}

// ---- Brown corpus ----

export interface TaggedWord {
  word: string;
  /** Brown tag as written, lower case, with suffixes such as -tl (title), -hl (headline), -nc (cited). */
  tag: string;
}

// Marks that join the word before them, and marks that join the word after them.
const ATTACH_LEFT = new Set(['.', ',', ';', ':', '?', '!', ')', ']', "''"]);
const ATTACH_RIGHT = new Set(['(', '[', '``']);

const DOUBLED_FINAL_MARKS = new Set(['?', '!', ';', ':']);

/**
 * Sentences of `word/tag` tokens. The corpus writes one sentence per line (blank lines separate
 * paragraphs), with two quirks this undoes: a line-final ? ! ; or : is written twice (kept once
 * here), and a sentence broken after ; or : continues on the next line, as does one whose
 * closing ) or quote sits alone on the following line.
 */
export function parseBrownTagged(tagged: string): TaggedWord[][] {
  const sentences: TaggedWord[][] = [];
  let pending: TaggedWord[] = [];
  for (const line of tagged.split('\n')) {
    const tokens = line.split(/\s+/).filter((t) => t !== '').map(parseTaggedToken);
    if (tokens.length === 0) continue;
    let sentence: TaggedWord[];
    if (pending.length > 0) sentence = pending.concat(tokens);
    else if (ATTACH_LEFT.has(tokens[0].word) && sentences.length > 0) sentence = sentences.pop()!.concat(tokens);
    else sentence = tokens;
    pending = [];
    const n = sentence.length;
    const last = sentence[n - 1].word;
    const doubled = n >= 2 && DOUBLED_FINAL_MARKS.has(last) && sentence[n - 2].word === last;
    if (doubled) sentence.pop();
    if (doubled && (last === ';' || last === ':')) pending = sentence;
    else sentences.push(sentence);
  }
  if (pending.length > 0) sentences.push(pending);
  return sentences;
}

function parseTaggedToken(token: string): TaggedWord {
  // Words may contain '/' themselves ("and/or/cc", "1-1/2/cd"); the tag never does.
  const slash = token.lastIndexOf('/');
  if (slash <= 0) return { word: token, tag: '' };
  return { word: token.slice(0, slash), tag: token.slice(slash + 1) };
}

/** One sentence of natural English per entry: tags gone, punctuation where a typesetter puts it. */
export function cleanBrownDocument(tagged: string): string[] {
  return parseBrownTagged(tagged)
    .map((sentence) => detokenize(sentence.map((t) => t.word)))
    .filter((s) => s !== '');
}

export function detokenize(words: string[]): string {
  let out = '';
  let glueNext = true; // no space before the first word, nor after an opening mark
  let singleQuoteOpen = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    // "Jr." or "U.S." at the end of a sentence already carries the full stop.
    if (word === '.' && i > 0 && words[i - 1].length > 1 && words[i - 1].endsWith('.')) continue;
    let text = word;
    let attachLeft = ATTACH_LEFT.has(word);
    let attachRight = ATTACH_RIGHT.has(word);
    if (word === '``' || word === "''") text = '"';
    if (word.length > 2 && word.endsWith("''")) {
      // An inch mark (12''/nns) is followed by a stray closing-quote token that repeats it.
      text = word.slice(0, -2) + '"';
      if (words[i + 1] === "''") i++;
    }
    if (word === "'") {
      // The corpus writes both single quotes as a lone ', so alternate: open, close, open...
      attachRight = !singleQuoteOpen;
      attachLeft = singleQuoteOpen;
      singleQuoteOpen = !singleQuoteOpen;
    }
    out += (glueNext || attachLeft ? '' : ' ') + text;
    glueNext = attachRight;
  }
  return out.trim();
}

// ---- UDHR ----

const BLOCK_TAGS = new Set(['h1', 'h2', 'h3', 'h4', 'p', 'li']);

/**
 * The text of each heading, paragraph and list item of a UDHR declaration page. A block that
 * contains another (an <li> around a <p>) yields only the inner one, so no text appears twice.
 */
export function udhrHtmlToParagraphs(html: string): string[] {
  const paragraphs: string[] = [];
  let depth = 0;
  let current = '';
  const flush = () => {
    const text = normalizeParagraph(decodeHtmlEntities(current));
    if (text !== '') paragraphs.push(text);
    current = '';
  };
  const source = html.replace(/<!--[\s\S]*?-->/g, '');
  const tagPattern = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>/g;
  let end = 0;
  for (let match = tagPattern.exec(source); match; match = tagPattern.exec(source)) {
    if (depth > 0) current += source.slice(end, match.index);
    end = match.index + match[0].length;
    const name = match[2].toLowerCase();
    if (!BLOCK_TAGS.has(name)) continue;
    flush();
    depth = Math.max(0, depth + (match[1] === '/' ? -1 : 1));
  }
  return paragraphs;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

export function decodeHtmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (entity, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return NAMED_ENTITIES[body] ?? entity;
  });
}

// HTML whitespace plus the Unicode line breaks, which must not survive into one-line-per-unit files.
const LINE_BREAKING_SPACE = /[\t\n\v\f\r \u0085\u2028\u2029]+/g;
// Source HTML wraps long CJK paragraphs; a wrap between two CJK characters is not a word gap.
const CJK_WRAP = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef])[\t\n\v\f\r ]*\n[\t\n\v\f\r ]*(?=[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef])/gu;

function normalizeParagraph(text: string): string {
  return text.replace(CJK_WRAP, '$1').replace(LINE_BREAKING_SPACE, ' ').trim();
}

// ---- user corpora ----

export interface UserCorpusError {
  /** 1-based line number in the file. */
  line: number;
  message: string;
}

export const USER_CORPUS_EXTENSIONS = ['.txt', '.jsonl'] as const;

/**
 * Lines of a user's corpus file: a paragraph per line of a .txt, or the `text` field of each
 * object in a .jsonl. A bad .jsonl line is reported and skipped; the rest still loads.
 */
export function parseUserCorpus(
  fileName: string,
  text: string,
): { lines: string[]; errors: UserCorpusError[] } {
  const extension = USER_CORPUS_EXTENSIONS.find((ext) => fileName.toLowerCase().endsWith(ext));
  if (extension === undefined) {
    throw new Error(`Cannot read "${fileName}": a corpus file must end in ${USER_CORPUS_EXTENSIONS.join(' or ')}`);
  }
  checkTextNotBinary(fileName, text);
  const lines: string[] = [];
  const errors: UserCorpusError[] = [];
  // Line by line, without an array of every raw line beside the text (a 100 MB file has millions).
  // No length limit: a paragraph per line may be long, and the text is in memory already.
  const read = (raw: string, line: number) => {
    if (raw.trim() === '') return;
    // A line of only control or format characters (a file of U+0085s) holds no text to learn.
    if (!/[\p{L}\p{N}]/u.test(raw)) {
      errors.push({ line, message: 'has no letters or digits' });
      return;
    }
    if (extension === '.txt') {
      lines.push(normalizeParagraph(raw));
      return;
    }
    const parsed = parseJsonlRecord(raw);
    if (typeof parsed === 'string') lines.push(parsed);
    else errors.push({ line, message: parsed.error });
  };
  forEachLine(text, { line: read, tooLong: () => {} }, Infinity);
  return { lines, errors };
}

/** Share of U+FFFD (bytes that were not UTF-8) above which a file is taken for binary. */
const MAX_REPLACEMENT_SHARE = 0.01;

/**
 * Refuses a file that is not text: NUL characters, or more than 1 % replacement characters (the
 * decoder's mark for bytes that are not UTF-8; a 64 KB binary file decodes to ~27,000 of them).
 */
export function checkTextNotBinary(fileName: string, text: string): void {
  let replaced = 0;
  let nul = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd) replaced++;
    else if (c === 0) nul++;
  }
  if (nul > 0 || replaced > MAX_REPLACEMENT_SHARE * text.length) {
    throw new Error(`"${fileName}" is not a text file: ${nul ? `${nul} NUL characters` : `${replaced} of its ${text.length} characters are not valid UTF-8`}; a corpus must be UTF-8 text (.txt, a paragraph per line) or JSON Lines (.jsonl, a "text" field per line)`);
  }
}

function parseJsonlRecord(raw: string): string | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    return { error: `not valid JSON (${(e as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { error: 'expected a JSON object with a "text" field' };
  }
  const field = (value as Record<string, unknown>).text;
  if (typeof field !== 'string') {
    return { error: field === undefined ? 'missing the "text" field' : '"text" is not a string' };
  }
  const line = normalizeParagraph(field);
  return line === '' ? { error: '"text" is empty' } : line;
}
