import { describe, expect, it } from 'vitest';
import { MODEL_PRESETS } from '../model/config';
import { clone, studioContext } from '../testing/experimentFixtures';
import { type AdaptStage, type ExperimentPlan, planExperiment, type Progress, resumePlan, stageRecord } from './plan';
import { RECIPE_PRESETS, type Recipe, validateRecipe } from './recipe';

const preset = (id: string) => clone(RECIPE_PRESETS.find((p) => p.id === id)!.recipe);
const adaptStages = (plan: ExperimentPlan) => plan.stages.filter((s): s is AdaptStage => s.kind === 'adapt');
const keyOf = (plan: ExperimentPlan, id: string) => plan.stages.find((s) => s.id === id)!.key;

describe('planExperiment', () => {
  const plan = planExperiment(preset('quick-demo'));

  it('orders the stages with stable ids, every input before its stage', () => {
    expect(plan.stages.map((s) => s.id)).toEqual([
      'base', 'grow:x2',
      'adapt:isl:x1', 'adapt:isl:x2', 'adapt:fao:x1', 'adapt:fao:x2',
      'merge:task_arithmetic:isl+fao:x1', 'merge:task_arithmetic:isl+fao:x2', 'merge:ties:isl+fao:x1', 'merge:ties:isl+fao:x2',
      'evaluate',
    ]);
    const seen = new Set<string>();
    for (const s of plan.stages) {
      for (const i of s.inputs) expect(seen.has(i), `${s.id} needs ${i}`).toBe(true);
      seen.add(s.id);
    }
    expect(plan.stages.find((s) => s.id === 'merge:ties:isl+fao:x2')).toMatchObject({ inputs: ['grow:x2', 'adapt:isl:x2', 'adapt:fao:x2'], base: 'grow:x2', params: { lambda: 1, normalize: true }, modelParams: { density: 0.5 } });
    expect(plan.stages.at(-1)!.inputs).toHaveLength(10);
  });

  it('FLOP-matches every scale: within one step below the budget, fewer steps for the grown model', () => {
    const runs = adaptStages(plan);
    for (const r of runs) {
      expect(r.flops).toBeLessThanOrEqual(r.budgetFlops);
      expect(r.budgetFlops - r.flops).toBeLessThan(r.flopsPerStep);
      expect(r.flops).toBe(r.steps * r.flopsPerStep);
    }
    const [x1, x2] = runs.filter((r) => r.language === 'isl');
    expect([x1.steps, x2.steps]).toEqual([30, 9]);
    expect(x2.config.hidden_size).toBe(2 * x1.config.hidden_size);
    expect(x1.evalEvery).toBe(10);
    expect(x2.evalEvery).toBe(3);
    expect(x1.warmupSteps).toBe(2);
  });

  it('turns steps and tokens budgets into 1x FLOPs, so the 1x run gets exactly them', () => {
    const r = preset('quick-demo');
    r.adapt.budget = { kind: 'tokens', value: 8 * 32 * 40 };
    r.languages[1].budget = { kind: 'steps', value: 25 };
    const p = planExperiment(r);
    expect(adaptStages(p).map((s) => s.steps)).toEqual([40, 12, 25, 7]);
    const base = p.stages[0];
    expect(base.kind === 'base' && base.train).toMatchObject({ steps: 60, warmupSteps: 3, corpus: 'eng-brown', seed: 0 });
  });

  it('FLOP-matches the paper preset the same way', () => {
    const runs = adaptStages(planExperiment(preset('paper-browser')));
    expect(runs).toHaveLength(10);
    for (const r of runs) expect(r.budgetFlops - r.flops).toBeLessThan(r.flopsPerStep);
    expect(runs.slice(0, 2).map((r) => r.steps)).toEqual([402, 106]);
  });

  it('starts from a checkpoint given its config; methods without a base get none', () => {
    const r = preset('quick-demo');
    r.base = { from: 'checkpoint', checkpoint: 'ckpt-en' };
    r.merges = [{ method: 'linear', subset: ['isl', 'fao'], scales: [2], params: { normalize: true }, modelParams: { weight: 1 } }];
    expect(() => planExperiment(r)).toThrow(/needs the config of the base checkpoint ckpt-en/);
    const p = planExperiment(r, MODEL_PRESETS[0].config);
    expect(p.stages[0]).toMatchObject({ id: 'base', checkpoint: 'ckpt-en' });
    const merge = p.stages.find((s) => s.kind === 'merge')!;
    expect(merge).toMatchObject({ id: 'merge:linear:isl+fao:x2', inputs: ['adapt:isl:x2', 'adapt:fao:x2'] });
    expect('base' in merge).toBe(false);
  });

  it('keys stay the same for the same recipe and change with a stage and all that depends on it', () => {
    expect(planExperiment(preset('quick-demo')).stages.map((s) => s.key)).toEqual(plan.stages.map((s) => s.key));
    const r = preset('quick-demo');
    r.languages[0].budget = { kind: 'steps', value: 20 };
    const changed = planExperiment(r);
    const differs = changed.stages.filter((s) => s.key !== keyOf(plan, s.id)).map((s) => s.id);
    expect(differs).toEqual(['adapt:isl:x1', 'adapt:isl:x2', 'merge:task_arithmetic:isl+fao:x1', 'merge:task_arithmetic:isl+fao:x2', 'merge:ties:isl+fao:x1', 'merge:ties:isl+fao:x2', 'evaluate']);
  });

  it('plans from what validateRecipe returns', () => {
    const v = validateRecipe(preset('quick-demo'), studioContext());
    expect(planExperiment((v as { recipe: Recipe }).recipe).stages.map((s) => s.key)).toEqual(plan.stages.map((s) => s.key));
  });
});

describe('resumePlan', () => {
  const plan = planExperiment(preset('quick-demo'));

  /** Runs the first `n` stages as the app would, recording each; stage i makes ckpt-i (or eval-i). */
  function runStages(p: ExperimentPlan, n: number, progress: Progress = {}): Progress {
    for (let i = 0; i < n; i++) {
      const state = resumePlan(p, progress);
      const id = state.next!;
      const stage = p.stages.find((s) => s.id === id)!;
      const made = stage.produces === 'checkpoint' ? { checkpointId: `ckpt-${id}` } : { evaluationId: `eval-${id}` };
      progress[id] = stageRecord(p, state, id, { ...(stage.kind === 'adapt' || stage.kind === 'base' ? { runId: `run-${id}` } : {}), ...made });
    }
    return JSON.parse(JSON.stringify(progress)) as Progress;
  }

  it('starts at the base and finishes when every stage is done', () => {
    expect(resumePlan(plan, {})).toMatchObject({ next: 'base', complete: false, checkpoints: {} });
    const all = runStages(plan, plan.stages.length);
    const state = resumePlan(plan, all);
    expect(state).toMatchObject({ next: null, complete: true });
    expect(state.stages.every((s) => s.status === 'reuse')).toBe(true);
    expect(all.evaluate.inputs['adapt:fao:x2']).toBe('ckpt-adapt:fao:x2');
  });

  it('reuses finished stages and continues a run that was cut off', () => {
    const progress = runStages(plan, 3);
    progress['adapt:isl:x2'] = stageRecord(plan, resumePlan(plan, progress), 'adapt:isl:x2', { runId: 'run-7' });
    const state = resumePlan(plan, progress, { checkpoints: ['ckpt-base', 'ckpt-grow:x2', 'ckpt-adapt:isl:x1'], runs: ['run-7'] });
    expect(state.next).toBe('adapt:isl:x2');
    expect(state.stages.slice(0, 5).map((s) => s.status)).toEqual(['reuse', 'reuse', 'reuse', 'resume', 'pending']);
    expect(state.checkpoints).toEqual({ base: 'ckpt-base', 'grow:x2': 'ckpt-grow:x2', 'adapt:isl:x1': 'ckpt-adapt:isl:x1' });
    // Without the run it starts again.
    expect(resumePlan(plan, progress, { runs: [] }).stages[3]).toMatchObject({ status: 'rerun', reason: 'its run run-7 no longer exists' });
  });

  it('reruns a stage whose checkpoint is gone, and everything made from it', () => {
    const progress = runStages(plan, plan.stages.length);
    const held = plan.stages.map((s) => `ckpt-${s.id}`).filter((c) => c !== 'ckpt-adapt:fao:x1');
    const state = resumePlan(plan, progress, { checkpoints: held, evaluations: ['eval-evaluate'] });
    const status = Object.fromEntries(state.stages.map((s) => [s.id, s.status]));
    expect(status).toEqual({
      base: 'reuse', 'grow:x2': 'reuse', 'adapt:isl:x1': 'reuse', 'adapt:isl:x2': 'reuse', 'adapt:fao:x1': 'rerun', 'adapt:fao:x2': 'reuse',
      'merge:task_arithmetic:isl+fao:x1': 'rerun', 'merge:task_arithmetic:isl+fao:x2': 'reuse', 'merge:ties:isl+fao:x1': 'rerun', 'merge:ties:isl+fao:x2': 'reuse', evaluate: 'rerun',
    });
    expect(state.next).toBe('adapt:fao:x1');
    expect(state.stages[4].reason).toBe('its checkpoint ckpt-adapt:fao:x1 no longer exists');
    // Once it is remade, the merges see a new input and are made again too.
    progress['adapt:fao:x1'] = stageRecord(plan, state, 'adapt:fao:x1', { runId: 'run-new', checkpointId: 'ckpt-new' });
    const after = resumePlan(plan, progress, { checkpoints: [...held, 'ckpt-new'], evaluations: ['eval-evaluate'] });
    expect(after.next).toBe('merge:task_arithmetic:isl+fao:x1');
    expect(after.stages[6].reason).toBe('its input adapt:fao:x1 changed (made from ckpt-adapt:fao:x1, now ckpt-new)');
  });

  it('reruns the stages a recipe edit changes and keeps the rest', () => {
    const progress = runStages(plan, plan.stages.length);
    const r = preset('quick-demo');
    r.merges[1].params.lambda = 0.8;
    const state = resumePlan(planExperiment(r), progress);
    expect(state.stages.filter((s) => s.status !== 'reuse').map((s) => [s.id, s.status, s.reason])).toEqual([
      ['merge:ties:isl+fao:x1', 'rerun', 'the recipe changed its parameters'],
      ['merge:ties:isl+fao:x2', 'rerun', 'the recipe changed its parameters'],
      ['evaluate', 'rerun', 'the recipe changed its parameters'],
    ]);
    expect(state.next).toBe('merge:ties:isl+fao:x1');
  });

  it('is blocked when the base checkpoint the recipe names is gone', () => {
    const r = preset('quick-demo');
    r.base = { from: 'checkpoint', checkpoint: 'ckpt-en' };
    const p = planExperiment(r, MODEL_PRESETS[0].config);
    expect(resumePlan(p, {}, { checkpoints: ['ckpt-en'] })).toMatchObject({ next: 'grow:x2', checkpoints: { base: 'ckpt-en' } });
    expect(resumePlan(p, {}, { checkpoints: [] })).toMatchObject({ next: null, complete: false, blocked: 'the base checkpoint ckpt-en no longer exists' });
  });

  it('refuses to record a stage before its inputs exist', () => {
    expect(() => stageRecord(plan, resumePlan(plan, {}), 'adapt:isl:x2', { runId: 'r' })).toThrow(/before its inputs: grow:x2/);
  });
});
