// The user's own corpora (from .txt or .jsonl files), kept in IndexedDB with their split.
import { RecordStore } from './kv';

export interface UserCorpus {
  id: string;
  name: string;
  /** ISO 639-3 code the user chose, or 'und' when unknown. */
  language: string;
  createdAt: string;
  train: string;
  valid: string;
}

export class UserCorpusStore extends RecordStore<UserCorpus> {}
