// The user's own corpora (from .txt or .jsonl files), kept in IndexedDB with their split.
import type { KeyValueStore } from './kv';

export interface UserCorpus {
  id: string;
  name: string;
  /** ISO 639-3 code the user chose, or 'und' when unknown. */
  language: string;
  createdAt: string;
  train: string;
  valid: string;
}

export class UserCorpusStore {
  constructor(private readonly kv: KeyValueStore<UserCorpus>) {}
  list(): Promise<UserCorpus[]> {
    return this.kv.values();
  }
  get(id: string): Promise<UserCorpus | undefined> {
    return this.kv.get(id);
  }
  put(c: UserCorpus): Promise<void> {
    return this.kv.set(c.id, c);
  }
  delete(id: string): Promise<void> {
    return this.kv.del(id);
  }
}
