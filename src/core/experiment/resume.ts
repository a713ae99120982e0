// Resuming an experiment after a reload: the app stores one small JSON record per finished (or
// started) stage; resumePlan compares them with the plan and says which stages to reuse, which
// run to continue, which must run again because their parameters or inputs changed or their
// checkpoint is gone, and which stage is next. Records are plain JSON, ready for IndexedDB.
import type { ExperimentPlan, Stage } from './plan';

/** What the app stores when a stage starts (runId) and when it ends (checkpointId or evaluationId). */
export interface StageRecord {
  /** The stage's key when it ran; a different key now means the recipe changed the stage. */
  key: string;
  /** For each input stage, the checkpoint id this stage was made from. */
  inputs: Record<string, string>;
  /** The training run (base and adapt stages), set as soon as it starts. */
  runId?: string;
  checkpointId?: string;
  evaluationId?: string;
}

/** Stage id -> its record. */
export type Progress = Record<string, StageRecord>;

/**
 * reuse: done, its result stands. resume: its run started and can continue (runs.resume).
 * rerun: it has a result that no longer stands. pending: never started. blocked: cannot run
 * (the base checkpoint the recipe names is gone).
 */
export type StageStatus = 'reuse' | 'resume' | 'rerun' | 'pending' | 'blocked';

export interface ResumeState {
  stages: { id: string; status: StageStatus; reason: string }[];
  /** Checkpoint of every reusable stage: the inputs of the next stage are all here. */
  checkpoints: Record<string, string>;
  /** The first stage that is not reused, or null when all are (or the plan is blocked). */
  next: string | null;
  complete: boolean;
  /** Why nothing can run, when a stage is blocked. */
  blocked?: string;
}

/** What still exists; a record pointing at something missing is not reused. Omitted: trust the records. */
export interface Held {
  checkpoints?: Iterable<string>;
  evaluations?: Iterable<string>;
  runs?: Iterable<string>;
}

function judge(stage: Stage, record: StageRecord | undefined, ok: Map<string, string>, held: { c?: Set<string>; e?: Set<string>; r?: Set<string> }): { status: StageStatus; reason: string; checkpoint?: string } {
  if (stage.kind === 'base' && stage.checkpoint) {
    return !held.c || held.c.has(stage.checkpoint)
      ? { status: 'reuse', reason: 'the recipe starts from this checkpoint', checkpoint: stage.checkpoint }
      : { status: 'blocked', reason: `the base checkpoint ${stage.checkpoint} no longer exists` };
  }
  if (!record) return { status: 'pending', reason: 'not started' };
  if (record.key !== stage.key) return { status: 'rerun', reason: 'the recipe changed its parameters' };
  for (const input of stage.inputs) {
    if (!ok.has(input)) return { status: 'rerun', reason: `its input ${input} must be made again` };
    if (record.inputs[input] !== ok.get(input)) return { status: 'rerun', reason: `its input ${input} changed (made from ${record.inputs[input] ?? 'nothing'}, now ${ok.get(input)})` };
  }
  const result = stage.produces === 'checkpoint' ? record.checkpointId : record.evaluationId;
  const have = stage.produces === 'checkpoint' ? held.c : held.e;
  if (result && (!have || have.has(result))) return { status: 'reuse', reason: `done: ${result}`, checkpoint: stage.produces === 'checkpoint' ? result : undefined };
  if (result) return { status: 'rerun', reason: `its ${stage.produces} ${result} no longer exists` };
  if (record.runId && (!held.r || held.r.has(record.runId))) return { status: 'resume', reason: `run ${record.runId} stopped before it finished; continue it` };
  return { status: 'rerun', reason: record.runId ? `its run ${record.runId} no longer exists` : 'it started but left no result' };
}

/** Which stages of `plan` the stored `progress` lets the app reuse, and what runs next. */
export function resumePlan(plan: ExperimentPlan, progress: Progress, held: Held = {}): ResumeState {
  const sets = {
    c: held.checkpoints && new Set(held.checkpoints),
    e: held.evaluations && new Set(held.evaluations),
    r: held.runs && new Set(held.runs),
  };
  const ok = new Map<string, string>();
  const stages: ResumeState['stages'] = [];
  for (const stage of plan.stages) {
    const v = judge(stage, progress[stage.id], ok, sets);
    if (v.status === 'reuse' && v.checkpoint) ok.set(stage.id, v.checkpoint);
    stages.push({ id: stage.id, status: v.status, reason: v.reason });
  }
  const first = stages.find((s) => s.status !== 'reuse');
  return {
    stages,
    checkpoints: Object.fromEntries(ok),
    next: first && first.status !== 'blocked' ? first.id : null,
    complete: !first,
    ...(first?.status === 'blocked' ? { blocked: first.reason } : {}),
  };
}

/** The record to store for `stageId` now, given the current state's input checkpoints. */
export function stageRecord(plan: ExperimentPlan, state: ResumeState, stageId: string, outcome: { runId?: string; checkpointId?: string; evaluationId?: string }): StageRecord {
  const stage = plan.stages.find((s) => s.id === stageId);
  if (!stage) throw new Error(`the plan has no stage ${JSON.stringify(stageId)}`);
  const missing = stage.inputs.filter((i) => !state.checkpoints[i]);
  if (missing.length) throw new Error(`stage ${stageId} cannot be recorded before its inputs: ${missing.join(', ')}`);
  return { key: stage.key, inputs: Object.fromEntries(stage.inputs.map((i) => [i, state.checkpoints[i]])), ...outcome };
}
