// Corpora and tokenizers inside the engine. Corpus text arrives once; each tokenizer that needs
// it gets its own tokenized copy, made on first use, so models with the byte tokenizer and an
// imported BPE model can share a corpus.
import type { Tokenizer, TokenizerSpec } from '../core/tokenizer/tokenizer';
import { ByteTokenizer } from '../core/tokenizer/byte';
import { type HfTokenizerFiles, hfTokenizerFromFiles } from '../core/tokenizer/hf';
import { tokenizeLines, type TokenizedText } from '../core/data/tokens';

export interface TokenizedCorpus {
  train?: TokenizedText;
  valid: TokenizedText;
}

interface CorpusText {
  train?: string;
  valid: string;
  tokenized: Map<string, TokenizedCorpus>;
}

const keyOf = (spec: TokenizerSpec) => (spec.kind === 'byte' ? 'byte' : spec.id);

export class TextLibrary {
  private corpora = new Map<string, CorpusText>();
  private tokenizers = new Map<string, Tokenizer>([['byte', new ByteTokenizer()]]);

  addTokenizer(spec: Extract<TokenizerSpec, { kind: 'hf' }>, files: HfTokenizerFiles): void {
    if (!this.tokenizers.has(spec.id)) this.tokenizers.set(spec.id, hfTokenizerFromFiles(files, spec));
  }

  tokenizer(spec: TokenizerSpec): Tokenizer {
    const t = this.tokenizers.get(keyOf(spec));
    if (!t) throw new Error(`tokenizer ${keyOf(spec)} is not loaded in the engine`);
    return t;
  }

  /** Keeps the texts; a corpus loaded again without training text keeps the earlier one. */
  addCorpus(id: string, valid: string, train: string | undefined): { trainChars: number; validChars: number } {
    const before = this.corpora.get(id);
    // Comparing the texts is the cheap check: V8 compares lengths first, then the characters at
    // memory speed (about 2 ms for 10 MB, under a tenth of the decode before it); hashing the
    // new text in JavaScript would cost several times more, and a length alone misses an edit.
    const keepTokenized = before && before.valid === valid && (train === undefined || train === before.train);
    this.corpora.set(id, { valid, train: train ?? before?.train, tokenized: keepTokenized ? before.tokenized : new Map() });
    return { trainChars: (train ?? before?.train ?? '').length, validChars: valid.length };
  }

  /** The corpus tokenized with `tokenizer`; training text only if it was loaded. */
  corpus(id: string, tokenizer: Tokenizer): TokenizedCorpus {
    const c = this.corpora.get(id);
    if (!c) throw new Error(`corpus ${id} is not loaded in the engine`);
    const key = keyOf(tokenizer.spec);
    let t = c.tokenized.get(key);
    if (!t || (c.train !== undefined && !t.train)) {
      t = { valid: t?.valid ?? tokenizeLines(tokenizer, c.valid), train: c.train === undefined ? undefined : tokenizeLines(tokenizer, c.train) };
      c.tokenized.set(key, t);
    }
    return t;
  }
}
