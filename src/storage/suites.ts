// Imported minimal-pair suites and saved evaluation results in IndexedDB.
import type { EvaluationResult } from '../core/eval/report';
import type { Suite } from '../core/eval/suites/types';
import { RecordStore } from './kv';

export class SuiteStore extends RecordStore<Suite> {}

export class EvaluationStore extends RecordStore<EvaluationResult> {
  /** Newest first. */
  override async list(): Promise<EvaluationResult[]> {
    return (await super.list()).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }
}
