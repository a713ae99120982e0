// Experiments in IndexedDB: the recipe, its plan and one small record per stage (resume.ts), so a
// reload continues at the stage where it stopped and reuses every checkpoint already made.
import type { Recipe } from '../core/experiment/recipe';
import type { ExperimentPlan, Progress } from '../core/experiment/plan';
import { RecordStore } from './kv';

export type ExperimentStatus = 'running' | 'completed' | 'failed' | 'interrupted';

export interface ExperimentRecord {
  id: string;
  name: string;
  createdAt: string;
  recipe: Recipe;
  plan: ExperimentPlan;
  progress: Progress;
  status: ExperimentStatus;
  /** The stage running now, or the one that failed. */
  stage?: string;
  /** "stage <id> failed: <why>" when status is failed. */
  error?: string;
  finishedAt?: string;
}

export class ExperimentStore extends RecordStore<ExperimentRecord> {}
