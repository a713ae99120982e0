// The tokenizer contract every model uses. A byte-level tokenizer ships with the studio; a BPE
// tokenizer (tokenizer.json from Hugging Face) can implement the same interface later.

export interface TokenizerSpec {
  /** 'byte' is the studio's own; other kinds are added by later importers. */
  kind: 'byte';
}

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
