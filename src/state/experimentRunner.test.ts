// The experiment runner with a scripted studio (the narrow ExperimentStudio it drives) on memory
// stores: stages run in the plan's order through the same actions a user clicks, each stage's
// record is stored as it finishes, a failing stage fails the experiment naming it, and resuming
// reuses every stage already done; a second tab cannot resume an experiment this one runs.
import { beforeEach, describe, expect, it } from 'vitest';
import type { CheckpointManifest } from '../core/checkpoint/manifest';
import type { CorpusInfo } from '../core/data/corpusSplit';
import type { EvaluationResult } from '../core/eval/report';
import type { SuiteInfo } from '../core/eval/suites/types';
import { RECIPE_PRESETS } from '../core/experiment/recipe';
import { clone, studioContext } from '../core/testing/experimentFixtures';
import { ExperimentStore } from '../storage/experiments';
import { memoryStore } from '../storage/kv';
import { MemoryLockManager, memoryTabs } from '../storage/tabs';
import { createExperimentActions, type ExperimentStudio } from './experiment';
import type { Services } from './services';
import { useStudio } from './store';
import type { RunHandle } from './training';

const recipe = { ...clone(RECIPE_PRESETS.find((p) => p.id === 'quick-demo')!.recipe), name: 'scripted study' };

/** A studio whose actions record what they were asked and make checkpoints instantly. */
function scriptedStudio(failOn?: string) {
  const calls: string[] = [];
  let n = 0;
  const made = (kind: string): string => {
    const id = `ck-${kind}-${++n}`;
    useStudio.setState((st) => ({ checkpoints: [...st.checkpoints, { id } as CheckpointManifest] }));
    return id;
  };
  const handle = (kind: string): RunHandle => {
    const id = `run-${++n}`;
    const done = failOn === kind ? Promise.reject(new Error(`${kind} broke`)) : Promise.resolve(made(kind));
    done.catch(() => undefined);
    return { id, done, metrics: () => [], status: () => 'running', pause() {}, resume() {}, stop() {} };
  };
  const studio: ExperimentStudio = {
    createModel: async () => (calls.push('createModel'), made('init')),
    train: () => (calls.push('train'), handle('train')),
    runs: { resume: async () => (calls.push('resume'), handle('train')) },
    grow: async () => (calls.push('grow'), made('grow')),
    adapt: async (o: unknown) => (calls.push(`adapt ${String((o as { target: string }).target)}`), handle(`adapt ${String((o as { target: string }).target)}`)),
    merge: async (o: unknown) => (calls.push(`merge ${String((o as { method: string }).method)}`), made('merge')),
    evaluate: async () => {
      calls.push('evaluate');
      const e = { id: `eval-${++n}` } as EvaluationResult;
      useStudio.setState((st) => ({ evaluations: [...st.evaluations, e] }));
      return e;
    },
  } as unknown as ExperimentStudio;
  return { studio, calls };
}

function setup(failOn?: string, manager = new MemoryLockManager()) {
  const experiments = new ExperimentStore(memoryStore());
  const s = { experiments, runs: { get: async () => undefined }, tabs: memoryTabs(manager) } as unknown as Services;
  const scripted = scriptedStudio(failOn);
  const actions = createExperimentActions(s, () => scripted.studio, async () => undefined);
  return { ...actions, ...scripted, store: experiments };
}

describe('experiment runner', () => {
  beforeEach(() => {
    const ctx = studioContext();
    useStudio.setState({
      corpora: ctx.corpora.map((c) => ({ ...c, name: c.id, source: 'embedded', featured: true, trainBytes: 1, validBytes: 1 }) as unknown as CorpusInfo),
      suites: (ctx.suites as string[]).map((id) => ({ id }) as SuiteInfo),
      checkpoints: [], evaluations: [], runs: {}, experiments: [], experimentsElsewhere: [], experimentLive: undefined,
    });
  });

  it('runs every stage in the plan order through the studio actions and stores each record', async () => {
    const { experiments, calls, store } = setup();
    const h = await experiments.run(recipe);
    const rec = await h.done;
    expect(rec.status).toBe('completed');
    expect(calls).toEqual(['createModel', 'train', 'grow', 'adapt udhr-isl', 'adapt udhr-isl', 'adapt udhr-fao', 'adapt udhr-fao', 'merge task_arithmetic', 'merge task_arithmetic', 'merge ties', 'merge ties', 'evaluate']);
    expect(Object.keys(rec.progress).sort()).toEqual(rec.plan.stages.map((x) => x.id).sort());
    expect((await store.get(h.id))!.status).toBe('completed');
  });

  it('a failing stage fails the experiment naming it; resuming reuses every stage already done', async () => {
    const failing = setup('adapt udhr-fao');
    const h = await failing.experiments.run(recipe);
    await expect(h.done).rejects.toThrow(/^stage adapt:fao:x1 \(.*\) failed: adapt udhr-fao broke/);
    const failed = (await failing.store.get(h.id))!;
    expect(failed).toMatchObject({ status: 'failed', stage: 'adapt:fao:x1' });
    const doneBefore = Object.keys(failed.progress);
    expect(doneBefore).toEqual(expect.arrayContaining(['base', 'adapt:isl:x1']));

    // The same stores, a studio that works now: only what was not done runs.
    const again = scriptedStudio();
    const s = { experiments: failing.store, runs: { get: async () => undefined }, tabs: memoryTabs(new MemoryLockManager()) } as unknown as Services;
    const resumed = createExperimentActions(s, () => again.studio, async () => undefined);
    useStudio.setState({ experiments: [failed] });
    const rec = await (await resumed.experiments.resume(h.id)).done;
    expect(rec.status).toBe('completed');
    expect(again.calls).not.toContain('createModel');
    // Both Icelandic experts were done before the Faroese one failed: reused, not trained again.
    expect(again.calls.filter((c) => c.startsWith('adapt'))).toEqual(['adapt udhr-fao', 'adapt udhr-fao']);
    expect(rec.progress.base.checkpointId).toBe(failed.progress.base.checkpointId);
  });

  it('an experiment this tab runs cannot be resumed or deleted from another tab', async () => {
    const manager = new MemoryLockManager();
    const owner = setup(undefined, manager);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = owner.studio.createModel;
    owner.studio.createModel = async (o) => (await gate, slow(o));
    const h = await owner.experiments.run(recipe);
    const other = createExperimentActions({ experiments: owner.store, runs: { get: async () => undefined }, tabs: memoryTabs(manager) } as unknown as Services, () => owner.studio, async () => undefined);
    await expect(other.experiments.resume(h.id)).rejects.toThrow(/is running in another tab of the studio/);
    await expect(other.experiments.delete(h.id)).rejects.toThrow(/is running in another tab of the studio/);
    release();
    expect((await h.done).status).toBe('completed');
  });
});
