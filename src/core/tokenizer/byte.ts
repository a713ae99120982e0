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

export function tokenizerFromSpec(spec: TokenizerSpec): Tokenizer {
  switch (spec.kind) {
    case 'byte':
      return new ByteTokenizer();
  }
}
