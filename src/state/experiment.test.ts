import { beforeEach, describe, expect, it } from 'vitest';
import type { CheckpointManifest } from '../core/checkpoint/manifest';
import type { EvaluationResult } from '../core/eval/report';
import { type ExperimentPlan, planExperiment, type Progress, resumePlan } from '../core/experiment/plan';
import { RECIPE_PRESETS } from '../core/experiment/recipe';
import { clone } from '../core/testing/experimentFixtures';
import type { ExperimentRecord } from '../storage/experiments';
import { createExperimentActions, type ExperimentStudio } from './experiment';
import type { Services } from './services';
import { useStudio } from './store';

const ck = (id: string) => `c-${id}`;

/** Records for every stage, as if the whole experiment had run: checkpoint c-<stage id>. */
function progressFor(plan: ExperimentPlan): Progress {
  return Object.fromEntries(plan.stages.map((s) => [s.id, {
    key: s.key, inputs: Object.fromEntries(s.inputs.map((i) => [i, ck(i)])),
    ...(s.produces === 'checkpoint' ? { checkpointId: ck(s.id) } : { evaluationId: 'eval-1' }),
  }]));
}

const plan = planExperiment(clone(RECIPE_PRESETS[0].recipe));
const rec = (over: Partial<ExperimentRecord> = {}): ExperimentRecord => ({
  id: 'exp-1', name: 'demo', createdAt: '', recipe: RECIPE_PRESETS[0].recipe, plan, progress: progressFor(plan), status: 'completed', ...over,
});

/** The studio holding `rec` and every checkpoint and evaluation it names, less `missing`. */
function hold(r: ExperimentRecord, missing: string[] = []) {
  const made = Object.values(r.progress).flatMap((p) => (p.checkpointId ? [p.checkpointId] : []));
  useStudio.setState({
    experiments: [r], experimentLive: undefined, runs: {},
    checkpoints: made.filter((id) => !missing.includes(id)).map((id) => ({ id }) as CheckpointManifest),
    evaluations: missing.includes('eval-1') ? [] : [{ id: 'eval-1' } as EvaluationResult],
  });
}

const { experiments } = createExperimentActions({} as Services, () => ({}) as ExperimentStudio, async () => undefined);
const statuses = (id = 'exp-1') => Object.fromEntries(experiments.status(id).stages.map((s) => [s.id, s.status]));

describe('experiments.status', () => {
  beforeEach(() => hold(rec()));

  it('calls every stage of a finished experiment done, in the plan\'s order and shape', () => {
    const v = experiments.status('exp-1');
    expect(v).toMatchObject({ id: 'exp-1', name: 'demo', status: 'completed' });
    expect(v.stages.map((s) => s.id)).toEqual(plan.stages.map((s) => s.id));
    expect(v.stages[0]).toEqual({ id: 'base', title: plan.stages[0].title, kind: 'base', status: 'done' });
    expect(v.stages.every((s) => s.status === 'done')).toBe(true);
  });

  it('agrees with resumePlan: a stage is done exactly when resuming would reuse it', () => {
    const r = rec({ status: 'interrupted' });
    r.progress['adapt:isl:x1'] = { ...r.progress['adapt:isl:x1'], key: 'changed' };
    hold(r, [ck('grow:x2'), 'eval-1']);
    const reuse = resumePlan(r.plan, r.progress, { checkpoints: useStudio.getState().checkpoints.map((c) => c.id), evaluations: [] }).stages;
    expect(statuses()).toEqual(Object.fromEntries(reuse.map((s) => [s.id, s.status === 'reuse' ? 'done' : 'pending'])));
    // The changed expert, the grown model that is gone, everything made from them, and the evaluation.
    expect(statuses()).toMatchObject({ base: 'done', 'adapt:fao:x1': 'done', 'adapt:isl:x1': 'pending', 'grow:x2': 'pending', 'adapt:isl:x2': 'pending', 'merge:ties:isl+fao:x1': 'pending', evaluate: 'pending' });
  });

  it('shows the live stage running and the failed stage failed', () => {
    hold(rec({ status: 'running' }));
    useStudio.setState({ experimentLive: { id: 'exp-1', stage: 'adapt:isl:x2' } });
    expect(statuses()['adapt:isl:x2']).toBe('running');
    expect(experiments.status('exp-1').current).toEqual({ stage: 'adapt:isl:x2', title: plan.stages.find((s) => s.id === 'adapt:isl:x2')!.title });
    hold(rec({ status: 'failed', stage: 'evaluate', error: 'stage evaluate failed: no' }));
    expect(statuses().evaluate).toBe('failed');
    expect(experiments.status('exp-1').error).toBe('stage evaluate failed: no');
  });
});
