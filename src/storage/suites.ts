// Imported minimal-pair suites and saved evaluation results in IndexedDB.
import type { EvaluationResult } from '../core/eval/report';
import type { Suite } from '../core/eval/suites/types';
import type { KeyValueStore } from './kv';

export class SuiteStore {
  constructor(private readonly kv: KeyValueStore<Suite>) {}
  list(): Promise<Suite[]> {
    return this.kv.values();
  }
  get(id: string): Promise<Suite | undefined> {
    return this.kv.get(id);
  }
  put(s: Suite): Promise<void> {
    return this.kv.set(s.id, s);
  }
  delete(id: string): Promise<void> {
    return this.kv.del(id);
  }
}

export class EvaluationStore {
  constructor(private readonly kv: KeyValueStore<EvaluationResult>) {}
  async list(): Promise<EvaluationResult[]> {
    return (await this.kv.values()).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }
  put(r: EvaluationResult): Promise<void> {
    return this.kv.set(r.id, r);
  }
  delete(id: string): Promise<void> {
    return this.kv.del(id);
  }
}
