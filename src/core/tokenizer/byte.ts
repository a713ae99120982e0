// Byte-level tokenizer: UTF-8 bytes 0..255 plus BOS, EOS and PAD, so every language of the
// embedded corpora shares one 259-entry vocabulary and nothing is ever out of vocabulary.
import type { Tokenizer, TokenizerSpec } from './tokenizer';

export const BYTE_VOCAB_SIZE = 259;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

export class ByteTokenizer implements Tokenizer {
  readonly spec: TokenizerSpec = { kind: 'byte' };
  readonly vocabSize = BYTE_VOCAB_SIZE;
  readonly bos = 256;
  readonly eos = 257;
  readonly pad = 258;

  encode(text: string): number[] {
    return Array.from(encoder.encode(text));
  }

  /** Bytes of `text` as a typed array, for corpus-sized inputs where number[] would waste memory. */
  encodeBytes(text: string): Uint8Array {
    return encoder.encode(text);
  }

  decode(ids: ArrayLike<number>): string {
    const bytes: number[] = [];
    for (let i = 0; i < ids.length; i++) if (ids[i] < 256) bytes.push(ids[i]);
    return decoder.decode(new Uint8Array(bytes));
  }
}

/** GPT-2's byte -> printable character map, which byte-level tokenizers use for their vocabulary. */
export function bytesToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const map: string[] = new Array(256);
  let n = 0;
  for (let b = 0; b < 256; b++) map[b] = String.fromCodePoint(printable.includes(b) ? b : 256 + n++);
  return map;
}

/** The studio's byte tokenizer as a Hugging Face tokenizers file: byte-level BPE with no merges. */
export function byteTokenizerJson(): Record<string, unknown> {
  const chars = bytesToUnicode();
  const vocab = Object.fromEntries(chars.map((ch, b) => [ch, b]));
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(256, '<s>'), special(257, '</s>'), special(258, '<pad>')],
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { '<s>': { id: '<s>', ids: [256], tokens: ['<s>'] } },
    },
    decoder: byteLevel,
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges: [] },
  };
}

