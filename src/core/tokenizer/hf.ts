// Hugging Face tokenizers (tokenizer.json + tokenizer_config.json, byte-level BPE as Llama 3 and
// SmolLM2 use) through @huggingface/tokenizers, the pure-JS port of the Rust library that
// transformers.js uses. We only decide which ids are BOS/EOS/PAD and wrap it in our interface;
// the studio's own byte tokenizer exported as tokenizer.json is recognised and imported as 'byte'.
import { Tokenizer as HfLibraryTokenizer } from '@huggingface/tokenizers';
import type { Tokenizer, TokenizerSpec } from './tokenizer';
import { bytesToUnicode } from './byte';
import { parseJsonObject } from '../jsonFile';
import { validateTokenizerJson } from './validate';
import { ProbeRunner, probePlan } from './probe';

export interface HfTokenizerFiles {
  /** tokenizer.json as text. */
  tokenizer: string;
  /** tokenizer_config.json as text, when the model has one. */
  config?: string;
}

type Json = Record<string, unknown>;

/** A token in tokenizer_config.json is a string or an AddedToken object {content, ...}. */
function tokenContent(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null && typeof (v as Json).content === 'string') return (v as Json).content as string;
  return undefined;
}

/** Largest id + 1 over the model's vocabulary and the added tokens. */
function vocabularySize(json: Json): number {
  let max = -1;
  const model = json.model as Json | undefined;
  const vocab = model?.vocab;
  if (Array.isArray(vocab)) max = vocab.length - 1; // Unigram: [piece, score] pairs, id = index
  else if (vocab && typeof vocab === 'object') for (const id of Object.values(vocab as Record<string, number>)) if (typeof id === 'number' && id > max) max = id;
  for (const t of (json.added_tokens as { id?: number }[] | undefined) ?? []) if (typeof t.id === 'number' && t.id > max) max = t.id;
  return max + 1;
}

/** True for the byte tokenizer the studio itself exports: byte-level BPE, no merges, ids = bytes. */
export function isStudioByteTokenizer(json: Json): boolean {
  const model = json.model as Json | undefined;
  if (model?.type !== 'BPE' || !Array.isArray(model.merges) || model.merges.length) return false;
  const vocab = model.vocab as Record<string, number> | undefined;
  if (!vocab || Object.keys(vocab).length !== 256) return false;
  const chars = bytesToUnicode();
  if (!chars.every((ch, b) => vocab[ch] === b)) return false;
  const added = (Array.isArray(json.added_tokens) ? (json.added_tokens as { id: number; content: string }[]) : []).map((t) => `${t.id}:${t.content}`).sort();
  return added.join(' ') === '256:<s> 257:</s> 258:<pad>';
}

export class HfTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly bos: number;
  readonly eos: number;
  readonly pad: number;

  constructor(
    private readonly lib: HfLibraryTokenizer,
    readonly spec: Extract<TokenizerSpec, { kind: 'hf' }>,
  ) {
    this.vocabSize = spec.vocabSize;
    this.bos = spec.bos;
    this.eos = spec.eos;
    this.pad = spec.pad;
  }

  encode(text: string): number[] {
    return this.lib.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: ArrayLike<number>): string {
    return this.lib.decode(Array.from(ids), { skip_special_tokens: true, clean_up_tokenization_spaces: false });
  }
}

export interface TokenizerImport {
  spec: TokenizerSpec;
  /** Present for 'hf': the files to store and hand to the engine. */
  files?: HfTokenizerFiles;
  notes: string[];
}

/** SHA-256 hex of the tokenizer files; the same files always give the same id. */
export async function tokenizerFilesId(files: HfTokenizerFiles): Promise<string> {
  const bytes = new TextEncoder().encode(`${files.tokenizer}\u0000${files.config ?? ''}`);
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Runs the tokenizer on adversarial and ordinary texts and rejects when it hangs or fails; the
 * studio passes one that runs in a terminable worker with a time limit (worker/tokenizerProbe.ts).
 */
export type TokenizerProbe = (files: HfTokenizerFiles, json: Json) => Promise<unknown>;

/** The probe's steps run here, unbounded: for Node tests and scripts, where no worker is needed. */
export const inProcessProbe: TokenizerProbe = async (files, json) => {
  const cfg = files.config === undefined ? {} : parseJsonObject(files.config, 'tokenizer_config.json');
  let lib: HfLibraryTokenizer;
  try {
    lib = new HfLibraryTokenizer(json, cfg);
  } catch (e) {
    throw new Error(`tokenizer.json could not be loaded: ${(e as Error).message}`);
  }
  const plan = probePlan(json);
  const runner = new ProbeRunner(lib, plan);
  for (const step of plan.steps) runner.run(step);
};

/** The id tokenizer.json gives `content`, as the library's token_to_id finds it: added tokens first, then the model's vocabulary. */
function tokenIdOf(json: Json, content: string): number | undefined {
  const added = (json.added_tokens as { id: number; content: string }[]).find((t) => t.content === content);
  if (added) return added.id;
  const vocab = (json.model as Json).vocab;
  if (Array.isArray(vocab)) {
    const i = vocab.findIndex((e) => (e as [string, number])[0] === content);
    return i < 0 ? undefined : i;
  }
  return Object.hasOwn(vocab as Json, content) ? (vocab as Record<string, number>)[content] : undefined;
}

/**
 * Reads tokenizer files and decides the special ids: tokenizer_config.json's bos/eos/pad tokens
 * first, then config.json's *_token_id. Every sequence the studio scores or trains on starts with
 * BOS, so a tokenizer without one uses EOS (as GPT-2-style models do), which a note states.
 * tokenizer.json's structure is checked first (validate.ts), then `probe` runs it; the library
 * tokenizer is never built on the calling thread.
 */
export async function importTokenizer(files: HfTokenizerFiles, modelIds: { bos?: number; eos?: number; pad?: number }, modelVocab: number, probe: TokenizerProbe = inProcessProbe): Promise<TokenizerImport> {
  const json = parseJsonObject(files.tokenizer, 'tokenizer.json');
  const cfg = files.config === undefined ? {} : parseJsonObject(files.config, 'tokenizer_config.json');
  if (isStudioByteTokenizer(json)) {
    if (modelVocab !== 259) throw new Error(`tokenizer.json is the studio's byte tokenizer (259 ids) but config.json has vocab_size ${modelVocab}`);
    return { spec: { kind: 'byte' }, notes: [] };
  }
  const notes = validateTokenizerJson(json).notes;
  const vocabSize = vocabularySize(json);
  if (vocabSize > modelVocab) throw new Error(`tokenizer.json has ids up to ${vocabSize - 1} but config.json has vocab_size ${modelVocab}; the embedding has no row for them`);
  await probe(files, json);
  const idOf = (field: 'bos' | 'eos' | 'pad'): number | undefined => {
    const content = tokenContent(cfg[`${field}_token`]);
    if (content !== undefined) {
      const id = tokenIdOf(json, content);
      if (id === undefined) throw new Error(`tokenizer_config.json names ${field}_token ${JSON.stringify(content)}, which tokenizer.json does not contain`);
      return id;
    }
    const fromModel = modelIds[field];
    return fromModel !== undefined && fromModel >= 0 && fromModel < modelVocab ? fromModel : undefined;
  };
  const eos = idOf('eos');
  let bos = idOf('bos');
  if (bos === undefined) {
    if (eos === undefined) throw new Error('the tokenizer has neither a BOS nor an EOS token (tokenizer_config.json bos_token/eos_token or config.json bos_token_id/eos_token_id); the studio starts every sequence with one');
    bos = eos;
    notes.push(`no BOS token: sequences start with the EOS token ${eos}`);
  }
  const pad = idOf('pad') ?? eos ?? bos;
  const type = String((json.model as Json).type ?? 'unknown model');
  const spec: TokenizerSpec = { kind: 'hf', id: await tokenizerFilesId(files), vocabSize, bos, eos: eos ?? bos, pad, description: `${type}, ${vocabSize} ids` };
  return { spec, files, notes };
}

/** Builds the working tokenizer from stored files; the spec must be the one importTokenizer made. */
export function hfTokenizerFromFiles(files: HfTokenizerFiles, spec: Extract<TokenizerSpec, { kind: 'hf' }>): HfTokenizer {
  const json = parseJsonObject(files.tokenizer, 'tokenizer.json');
  const cfg = files.config === undefined ? {} : parseJsonObject(files.config, 'tokenizer_config.json');
  return new HfTokenizer(new HfLibraryTokenizer(json, cfg), spec);
}
