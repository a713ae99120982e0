// Structural check of tokenizer.json before @huggingface/tokenizers sees it. The library runs
// what it recognises and quietly guesses or skips the rest: an unknown model type with a list
// vocab becomes Unigram and one with an object vocab a pass-through "Legacy" model; an unknown
// pattern kind in Replace or Split is skipped with a console warning (a Split then drops all
// text); Split behaviours other than Isolated and Removed run as Isolated; Punctuation always
// runs as Contiguous; BPE ignores continuing_subword_prefix and dropout; duplicate ids overwrite
// each other in the id → token table, so decoding disagrees with encoding. Every such file is
// refused here with a sentence naming the file, the JSON path and what is allowed; what the
// library runs only approximately but acceptably is returned as a note.
import { ReplaceNormalizer } from '@huggingface/tokenizers';

type Json = Record<string, unknown>;

/** The component types the library's create_* switches implement (version 0.2). */
export const LIBRARY_TYPES = {
  model: ['BPE', 'WordPiece', 'Unigram'],
  normalizer: ['BertNormalizer', 'Precompiled', 'Sequence', 'Replace', 'NFC', 'NFD', 'NFKC', 'NFKD', 'Strip', 'StripAccents', 'Lowercase', 'Prepend'],
  pre_tokenizer: ['BertPreTokenizer', 'Sequence', 'Whitespace', 'WhitespaceSplit', 'Metaspace', 'ByteLevel', 'Split', 'Punctuation', 'Digits', 'Replace', 'FixedLength'],
  post_processor: ['TemplateProcessing', 'ByteLevel', 'BertProcessing', 'RobertaProcessing', 'Sequence'],
  decoder: ['ByteLevel', 'WordPiece', 'Metaspace', 'BPEDecoder', 'CTC', 'Sequence', 'Replace', 'Fuse', 'Strip', 'ByteFallback'],
} as const;

export type Section = 'normalizer' | 'pre_tokenizer' | 'post_processor' | 'decoder';

/** The key under which each Sequence holds its members. */
const SEQUENCE_KEY: Record<Section, string> = { normalizer: 'normalizers', pre_tokenizer: 'pretokenizers', post_processor: 'processors', decoder: 'decoders' };

/** Deeper Sequences than this are refused: real files nest one level; the walk must not recurse without end. */
const MAX_SEQUENCE_DEPTH = 8;

/** Problems listed in one refusal; past this the message counts the rest. */
const MAX_LISTED = 5;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const show = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};
const key = (k: string): string => `[${JSON.stringify(k.length > 40 ? `${k.slice(0, 37)}...` : k)}]`;

export interface TokenizerComponent {
  section: Section;
  /** JSON path inside tokenizer.json, e.g. `pre_tokenizer.pretokenizers[0]`. */
  path: string;
  node: Json;
}

/**
 * Every component of the four pipeline sections, Sequences unfolded, in the order the library
 * runs them. Entries that are not objects or nest too deep are reported through `problem`.
 */
export function tokenizerComponents(json: Json, problem: (msg: string) => void = () => undefined): TokenizerComponent[] {
  const out: TokenizerComponent[] = [];
  const visit = (section: Section, path: string, node: unknown, depth: number): void => {
    if (node === null) return;
    if (!isObject(node)) return problem(`${path} is ${show(node)}, must be an object with a "type" or null`);
    out.push({ section, path, node });
    if (node.type !== 'Sequence') return;
    const members = node[SEQUENCE_KEY[section]];
    if (!Array.isArray(members)) return problem(`${path}.${SEQUENCE_KEY[section]} is ${show(members)}, must be a list of ${section.replace('_', '-')}s`);
    if (depth >= MAX_SEQUENCE_DEPTH) return problem(`${path} nests Sequences more than ${MAX_SEQUENCE_DEPTH} deep`);
    members.forEach((m, i) => visit(section, `${path}.${SEQUENCE_KEY[section]}[${i}]`, m, depth + 1));
  };
  for (const section of Object.keys(SEQUENCE_KEY) as Section[]) visit(section, section, json[section], 0);
  return out;
}

/** The regular-expression source of a Replace/Split pattern, when it is one. */
export function regexOf(node: Json): string | undefined {
  const p = node.pattern;
  return isObject(p) && typeof p.Regex === 'string' ? p.Regex : undefined;
}

/** True when `source` has a capturing group: String.split would then keep what it captures. */
function hasCapturingGroup(source: string): boolean {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(' && (source[i + 1] !== '?' || source[i + 2] === '<' && source[i + 3] !== '=' && source[i + 3] !== '!')) return true;
  }
  return false;
}

export interface TokenizerCheck {
  /** What the library runs by an approximation the studio accepts, for the import's notes. */
  notes: string[];
}

/**
 * Checks tokenizer.json's structure against what @huggingface/tokenizers runs faithfully; throws
 * one Error listing the problems (each `tokenizer.json <path> ...`), or returns notes.
 */
export function validateTokenizerJson(json: Json): TokenizerCheck {
  const problems: string[] = [];
  const notes: string[] = [];
  const problem = (msg: string) => void problems.push(msg);

  for (const k of [...Object.keys(SEQUENCE_KEY), 'model']) {
    if (!(k in json)) problem(`has no "${k}" key (the library requires it; null where the tokenizer has none)`);
  }
  const vocab = checkModel(json.model, problem);
  checkAddedTokens(json.added_tokens, vocab, problem);
  for (const c of tokenizerComponents(json, problem)) checkComponent(c, json, problem, notes);

  if (problems.length) {
    const listed = problems.slice(0, MAX_LISTED).map((p) => `tokenizer.json ${p}`);
    const rest = problems.length - MAX_LISTED;
    const more = rest > 0 ? `; and ${rest} more problem${rest === 1 ? '' : 's'}` : '';
    throw new Error(`${listed.join('; ')}${more}`);
  }
  return { notes };
}

/** The model's pieces by id (undefined when the model section is unusable). */
type Vocab = Map<string, number> | undefined;

function checkModel(model: unknown, problem: (msg: string) => void): Vocab {
  if (!isObject(model)) return problem(`model is ${show(model)}, must be an object with "type" and "vocab"`), undefined;
  const allowed = LIBRARY_TYPES.model;
  if (!allowed.includes(model.type as never)) {
    const what = model.type === undefined ? 'model.type is missing' : `model.type ${show(model.type)} is not one the tokenizer library runs`;
    return problem(`${what}; allowed: ${allowed.join(', ')}`), undefined;
  }
  if (model.type === 'Unigram') return checkUnigram(model, problem);
  const vocab = checkPieceIds(model.vocab, problem);
  if (!vocab) return undefined;
  const inVocab = (field: string, required: boolean) => {
    const v = model[field];
    if (v === null || v === undefined) return required ? problem(`model.${field} is missing; ${model.type} needs a token for unknown pieces`) : undefined;
    if (typeof v !== 'string') return problem(`model.${field} is ${show(v)}, must be a string or null`);
    if (!vocab.has(v)) problem(`model.${field} ${show(v)} is not in model.vocab`);
  };
  if (model.type === 'WordPiece') {
    inVocab('unk_token', true);
    // The library prefixes continuations with this field as it is; a missing one would become "undefined".
    if (typeof model.continuing_subword_prefix !== 'string') problem(`model.continuing_subword_prefix is ${show(model.continuing_subword_prefix)}, must be a string (WordPiece's is usually "##")`);
    const max = model.max_input_chars_per_word;
    if (max !== undefined && (!Number.isSafeInteger(max) || (max as number) < 1)) problem(`model.max_input_chars_per_word is ${show(max)}, must be a positive integer`);
    return vocab;
  }
  inVocab('unk_token', false);
  if (model.continuing_subword_prefix !== undefined && model.continuing_subword_prefix !== null && model.continuing_subword_prefix !== '') {
    problem(`model.continuing_subword_prefix is ${show(model.continuing_subword_prefix)}; the tokenizer library's BPE ignores it, so only null or "" is allowed`);
  }
  if (model.dropout !== undefined && model.dropout !== null && model.dropout !== 0) {
    problem(`model.dropout is ${show(model.dropout)}; BPE dropout makes tokenization random, which the tokenizer library does not do; allowed: null`);
  }
  for (const f of ['fuse_unk', 'byte_fallback', 'ignore_merges']) if (model[f] !== undefined && model[f] !== null && typeof model[f] !== 'boolean') problem(`model.${f} is ${show(model[f])}, must be true or false`);
  if (model.end_of_word_suffix !== undefined && model.end_of_word_suffix !== null && typeof model.end_of_word_suffix !== 'string') problem(`model.end_of_word_suffix is ${show(model.end_of_word_suffix)}, must be a string or null`);
  checkMerges(model.merges, vocab, problem);
  return vocab;
}

/** BPE and WordPiece: an object of piece → id, ids non-negative integers, each once. */
function checkPieceIds(raw: unknown, problem: (msg: string) => void): Vocab {
  if (!isObject(raw)) return problem(`model.vocab is ${show(raw)}, must be an object of token → integer id`), undefined;
  const vocab = new Map<string, number>();
  const byId = new Map<number, string>();
  for (const [piece, id] of Object.entries(raw)) {
    if (!isId(id)) {
      problem(`model.vocab${key(piece)} is ${show(id)}, must be an integer id of 0 or more`);
      continue;
    }
    const other = byId.get(id);
    if (other !== undefined) problem(`model.vocab${key(piece)} and model.vocab${key(other)} both have id ${id}; each id must name one token`);
    else byId.set(id, piece);
    vocab.set(piece, id);
  }
  if (!vocab.size) problem('model.vocab is empty');
  return vocab;
}

function checkMerges(merges: unknown, vocab: Map<string, number>, problem: (msg: string) => void): void {
  if (!Array.isArray(merges)) return problem(`model.merges is ${show(merges)}, must be a list of "a b" strings or [a, b] pairs`);
  // The library picks the format from the first entry, so the list must keep to one.
  const pairs = Array.isArray(merges[0]);
  let reported = 0;
  for (let i = 0; i < merges.length && reported < MAX_LISTED; i++) {
    const m = merges[i];
    let parts: unknown[] | undefined;
    if (pairs) parts = Array.isArray(m) && m.length === 2 && m.every((x) => typeof x === 'string' && x) ? m : undefined;
    else parts = typeof m === 'string' && m.split(' ').length === 2 && !m.startsWith(' ') && !m.endsWith(' ') ? m.split(' ') : undefined;
    if (!parts) {
      problem(`model.merges[${i}] is ${show(m)}, must be ${pairs ? 'a pair [a, b] of tokens, as model.merges[0] is' : 'a string "a b" of two tokens split by one space, as model.merges[0] is'}`);
      reported++;
      continue;
    }
    // As the Rust library requires when it builds a BPE model: both tokens and their merge exist.
    const [a, b] = parts as [string, string];
    const missing = [a, b, a + b].find((t) => !vocab.has(t));
    if (missing !== undefined) {
      problem(`model.merges[${i}] ${show(m)} needs ${show(missing)}, which is not in model.vocab`);
      reported++;
    }
  }
}

function checkUnigram(model: Json, problem: (msg: string) => void): Vocab {
  const raw = model.vocab;
  if (!Array.isArray(raw) || !raw.length) return problem(`model.vocab is ${show(raw)}, must be a non-empty list of [piece, score] for Unigram`), undefined;
  const vocab = new Map<string, number>();
  let reported = 0;
  raw.forEach((entry, id) => {
    if (reported >= MAX_LISTED) return;
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string' || typeof entry[1] !== 'number' || !Number.isFinite(entry[1])) {
      problem(`model.vocab[${id}] is ${show(entry)}, must be [piece, score] with a string piece and a finite number score`);
      reported++;
    } else if (vocab.has(entry[0])) {
      problem(`model.vocab[${id}] repeats the piece ${show(entry[0])} of model.vocab[${vocab.get(entry[0])}]; each piece must appear once`);
      reported++;
    } else vocab.set(entry[0], id);
  });
  if (!isId(model.unk_id) || model.unk_id >= raw.length) problem(`model.unk_id is ${show(model.unk_id)}, must be the index of a piece in model.vocab (0 to ${raw.length - 1}); the tokenizer library needs it for characters outside the vocabulary`);
  if (model.byte_fallback === true) problem('model.byte_fallback is true; the tokenizer library\'s Unigram has no byte fallback; allowed: false');
  return vocab;
}

function checkAddedTokens(raw: unknown, vocab: Vocab, problem: (msg: string) => void): void {
  if (!Array.isArray(raw)) return problem(`added_tokens is ${show(raw)}, must be a list of {id, content, ...} (empty when there are none)`);
  const byId = new Map<number, number>();
  const byContent = new Map<string, number>();
  const pieceOf = vocab && new Map([...vocab].map(([p, id]) => [id, p]));
  raw.forEach((t, i) => {
    const at = `added_tokens[${i}]`;
    if (!isObject(t)) return problem(`${at} is ${show(t)}, must be an object {id, content, special, ...}`);
    if (!isId(t.id)) return problem(`${at}.id is ${show(t.id)}, must be an integer id of 0 or more`);
    if (typeof t.content !== 'string' || !t.content) return problem(`${at}.content is ${show(t.content)}, must be a non-empty string`);
    for (const f of ['special', 'normalized', 'lstrip', 'rstrip', 'single_word']) if (t[f] !== undefined && typeof t[f] !== 'boolean') problem(`${at}.${f} is ${show(t[f])}, must be true or false`);
    if (t.single_word === true) problem(`${at}.single_word is true; the tokenizer library matches added tokens inside words too; allowed: false`);
    const sameId = byId.get(t.id);
    if (sameId !== undefined) problem(`${at} and added_tokens[${sameId}] both have id ${t.id}`);
    else byId.set(t.id, i);
    const sameContent = byContent.get(t.content);
    if (sameContent !== undefined) problem(`${at} repeats the content ${show(t.content)} of added_tokens[${sameContent}]`);
    else byContent.set(t.content, i);
    const piece = pieceOf?.get(t.id);
    if (piece !== undefined && piece !== t.content) problem(`${at} gives id ${t.id} to ${show(t.content)}, but model.vocab gives it to ${show(piece)}`);
    const vocabId = vocab?.get(t.content);
    if (vocabId !== undefined && vocabId !== t.id) problem(`${at} gives ${show(t.content)} id ${t.id}, but model.vocab gives it id ${vocabId}`);
  });
}

const SPLIT_BEHAVIOURS = ['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'];

function checkComponent({ section, path, node }: TokenizerComponent, json: Json, problem: (msg: string) => void, notes: string[]): void {
  const allowed: readonly string[] = LIBRARY_TYPES[section];
  if (!allowed.includes(node.type as string)) {
    problem(`${path}.type ${show(node.type)} is not a ${section.replace('_', '-')} the tokenizer library implements; allowed: ${allowed.join(', ')}`);
    return;
  }
  const bool = (f: string) => node[f] !== undefined && node[f] !== null && typeof node[f] !== 'boolean' && problem(`${path}.${f} is ${show(node[f])}, must be true or false`);
  const t = `${section}:${node.type as string}`;
  if (node.type === 'Replace') checkPattern(path, node, problem);
  if (t === 'normalizer:Replace' || t === 'pre_tokenizer:Replace' || t === 'decoder:Replace') {
    if (typeof node.content !== 'string') problem(`${path}.content is ${show(node.content)}, must be the replacement string`);
  }
  switch (t) {
    case 'normalizer:Prepend':
      if (typeof node.prepend !== 'string') problem(`${path}.prepend is ${show(node.prepend)}, must be a string`);
      break;
    case 'normalizer:Strip':
      ['strip_left', 'strip_right'].forEach(bool);
      break;
    case 'normalizer:BertNormalizer':
      ['clean_text', 'handle_chinese_chars', 'lowercase', 'strip_accents'].forEach(bool);
      break;
    case 'normalizer:Precompiled':
      notes.push(`tokenizer.json ${path} (SentencePiece's precompiled character map) runs as the tokenizer library's NFKC approximation of it`);
      break;
    case 'pre_tokenizer:Split': {
      checkPattern(path, node, problem);
      const behaviour = node.behavior;
      const invert = node.invert === true;
      bool('invert');
      if (!SPLIT_BEHAVIOURS.includes(behaviour as string)) problem(`${path}.behavior is ${show(behaviour)}; allowed: ${SPLIT_BEHAVIOURS.join(', ')}`);
      else if (behaviour !== 'Removed' && behaviour !== 'Isolated') problem(`${path}.behavior is "${behaviour as string}"; the tokenizer library runs Split only as Isolated or Removed`);
      else if (behaviour === 'Isolated' && invert) problem(`${path} has invert true with behavior "Isolated"; the tokenizer library then drops the text between matches; allowed with invert: "Removed"`);
      // Removed runs as String.split, which keeps what a group captures: the library wraps a String
      // pattern in one when invert is false, and a Regex may hold its own.
      else if (behaviour === 'Removed' && !invert && ((node.invert === false && isObject(node.pattern) && typeof node.pattern.String === 'string') || hasCapturingGroup(regexOf(node) ?? ''))) {
        problem(`${path} removes matches of a pattern the tokenizer library captures, so it would keep them; allowed: a Regex without capturing groups (use (?:...))`);
      }
      break;
    }
    case 'pre_tokenizer:Punctuation':
      if (node.behavior !== 'Contiguous') problem(`${path}.behavior is ${show(node.behavior ?? 'Isolated (the default)')}; the tokenizer library groups runs of punctuation, so only "Contiguous" is allowed`);
      break;
    case 'pre_tokenizer:Digits':
    case 'pre_tokenizer:ByteLevel':
      ['individual_digits', 'add_prefix_space', 'use_regex', 'trim_offsets'].forEach(bool);
      break;
    case 'pre_tokenizer:FixedLength':
      // A length of 0 would loop forever in the library.
      if (!Number.isSafeInteger(node.length) || (node.length as number) < 1) problem(`${path}.length is ${show(node.length)}, must be a positive integer`);
      break;
    case 'pre_tokenizer:Metaspace':
      checkMetaspace(path, node, json, problem);
      break;
    case 'post_processor:TemplateProcessing':
      for (const f of ['single', 'pair']) {
        const items = node[f];
        if (f === 'pair' && items === undefined) continue;
        if (!Array.isArray(items) || items.some((x) => !isObject(x) || !(isObject(x.SpecialToken) || isObject(x.Sequence)))) problem(`${path}.${f} is ${show(items)}, must be a list of {SpecialToken: {...}} and {Sequence: {...}} items`);
      }
      break;
  }
}

function checkPattern(path: string, node: Json, problem: (msg: string) => void): void {
  const p = node.pattern;
  const kinds = isObject(p) ? Object.keys(p) : [];
  if (!isObject(p) || kinds.length !== 1 || (typeof p.String !== 'string' && typeof p.Regex !== 'string')) {
    // The library would skip the component with a console warning (a Split would then drop all text).
    return problem(`${path}.pattern is ${show(p)}, must be {"String": "..."} or {"Regex": "..."}`);
  }
  const regex = regexOf(node);
  if (regex === undefined) return;
  try {
    // Compiled exactly as the library compiles it (Oniguruma syntax rewritten for JavaScript).
    new ReplaceNormalizer({ type: 'Replace', pattern: { Regex: regex }, content: '' } as never);
  } catch (e) {
    problem(`${path}.pattern.Regex ${show(regex)} is not a regular expression the tokenizer library can compile (${(e as Error).message})`);
  }
}

/**
 * The library's Metaspace never splits at the replacement character, as the Rust one does when
 * `split` is true (its default). That changes nothing unless a piece holds the replacement
 * after its first character (a token spanning words) or the model is WordPiece, which limits
 * the length of a word. An old file's add_prefix_space false without a prepend_scheme would be
 * run as 'always'.
 */
function checkMetaspace(path: string, node: Json, json: Json, problem: (msg: string) => void): void {
  const replacement = node.replacement ?? '\u2581';
  if (typeof replacement !== 'string' || [...replacement].length !== 1) return problem(`${path}.replacement is ${show(replacement)}, must be one character`);
  const scheme = node.prepend_scheme;
  if (scheme !== undefined && scheme !== 'always' && scheme !== 'first' && scheme !== 'never') problem(`${path}.prepend_scheme is ${show(scheme)}; allowed: always, first, never`);
  if (scheme === undefined && node.add_prefix_space === false) problem(`${path} has add_prefix_space false and no prepend_scheme; the tokenizer library would prepend "${replacement}"; give prepend_scheme "never"`);
  if (node.split === false) return;
  const model = json.model as Json;
  const pieces = Array.isArray(model?.vocab) ? (model.vocab as unknown[]).map((e) => (Array.isArray(e) ? e[0] : '')) : isObject(model?.vocab) ? Object.keys(model.vocab) : [];
  const spanning = pieces.find((p) => typeof p === 'string' && p.indexOf(replacement, 1) > 0);
  if (model?.type === 'WordPiece' || spanning !== undefined) {
    problem(`${path}.split is ${show(node.split ?? 'true (the default)')}; the tokenizer library does not split at "${replacement}", which changes this tokenizer's output (${spanning !== undefined ? `model.vocab has ${show(spanning)}` : 'WordPiece limits each word\'s length'}); allowed: split false`);
  }
}
