// The tokenizer contract every model uses. The studio's own byte-level tokenizer needs no files;
// an imported Hugging Face tokenizer (tokenizer.json) is identified by a hash of its files, which
// are stored once and handed to the engine before any model that uses them.

export type TokenizerSpec =
  | { kind: 'byte' }
  | {
      kind: 'hf';
      /** SHA-256 (hex) of tokenizer.json and tokenizer_config.json: equal ids, equal tokenization. */
      id: string;
      /** Largest id + 1 over the vocabulary and added tokens (≤ the model's vocab_size). */
      vocabSize: number;
      bos: number;
      eos: number;
      pad: number;
      /** What the files call the tokenizer, for display (e.g. "BPE, 49152 tokens"). */
      description: string;
    };

export interface Tokenizer {
  readonly spec: TokenizerSpec;
  readonly vocabSize: number;
  readonly bos: number;
  readonly eos: number;
  readonly pad: number;
  /** Token ids of `text`, without BOS/EOS. */
  encode(text: string): number[];
  /** Text of `ids`; special tokens are dropped, invalid UTF-8 becomes U+FFFD. */
  decode(ids: ArrayLike<number>): string;
}

/** Two models can be merged or compared token by token only when this holds. */
export function sameTokenizer(a: TokenizerSpec, b: TokenizerSpec): boolean {
  if (a.kind === 'byte' || b.kind === 'byte') return a.kind === b.kind;
  return a.id === b.id;
}

export function describeTokenizer(spec: TokenizerSpec): string {
  return spec.kind === 'byte' ? 'byte-level (259 ids)' : spec.description;
}
