// Imported tokenizers' files, keyed by the hash in their TokenizerSpec, stored once however many
// checkpoints (a base, its grown and merged descendants) use them.
import type { HfTokenizerFiles } from '../core/tokenizer/hf';
import { RecordStore } from './kv';

export interface StoredTokenizer extends HfTokenizerFiles {
  id: string;
  /** ISO time of storing; the start-up sweep spares recent records (state/tokenizerFiles.ts). Absent in older records. */
  storedAt?: string;
}

export class TokenizerStore extends RecordStore<StoredTokenizer> {}
