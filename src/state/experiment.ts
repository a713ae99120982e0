// The Experiments runner behind window.studio.experiments: validates a recipe against what the
// studio holds, plans its stages (core/experiment), and executes them one by one through the same
// actions a user clicks (createModel, train, grow, adapt, merge, evaluate). After every stage a
// small record is stored, so a reload resumes at the stage where it stopped: finished stages are
// reused, an interrupted training run continues from its last snapshot.
import { type Progress, resumePlan, type ResumeState, type Stage, stageRecord, planExperiment, type ExperimentPlan } from '../core/experiment/plan';
import { type Problem, RECIPE_PRESETS, type RecipePreset, RECIPE_SCHEMA_DOC, type Recipe, type RecipeContext, validateRecipe } from '../core/experiment/recipe';
import { newId } from '../core/checkpoint/manifest';
import { MERGE_METHODS } from '../core/merge/registry';
import type { ExperimentRecord } from '../storage/experiments';
import type { Services } from './services';
import { useStudio } from './store';
import type { RunHandle } from './training';
import type { ModelActions } from './models';
import type { TrainActions } from './train';
import type { GrowthActions } from './growth';
import type { AdaptActions } from './adapt';
import type { MergeActions } from './merge';
import type { EvaluationActions } from './evaluation';
import type { ExperimentReport } from '../core/experiment/report';
import { createExperimentReports } from './experimentReport';
import { experimentLock, type Release } from '../storage/tabs';
import { currentDeviceLimits } from './deviceLimits';

export interface StageView {
  id: string;
  title: string;
  kind: Stage['kind'];
  status: 'done' | 'running' | 'pending' | 'failed';
}

export interface ExperimentStatusView {
  id: string;
  name: string;
  status: ExperimentRecord['status'];
  stages: StageView[];
  /** The stage running now, with its training run's step when it trains. */
  current?: { stage: string; title: string; runId?: string; step?: number; steps?: number };
  /** Seconds left, from the training FLOPs still to do at the FLOP rate measured so far. */
  etaSeconds?: number;
  error?: string;
}

export interface ExperimentHandle {
  id: string;
  /** Resolves when every stage is done; rejects naming the stage that failed. */
  done: Promise<ExperimentRecord>;
}

export interface ExperimentActions {
  experiments: {
    presets(): RecipePreset[];
    /** The recipe schema in prose (Markdown), field by field. */
    schema(): string;
    /** Checks a recipe without running it: every problem with its JSON path, or the plan. */
    validate(recipe: unknown): Promise<{ ok: true; plan: ExperimentPlan } | { ok: false; problems: Problem[] }>;
    run(recipe: unknown): Promise<ExperimentHandle>;
    /** Continues an interrupted or failed experiment, reusing every stage already done. */
    resume(id: string): Promise<ExperimentHandle>;
    list(): Promise<ExperimentRecord[]>;
    status(id: string): ExperimentStatusView;
    /** Everything the experiment found so far, as one JSON document (see core/experiment/report.ts). */
    report(id: string): Promise<ExperimentReport>;
    /**
     * report.html (self-contained), report.json, report.csv, charts/*.png and *.svg, and the
     * scale-out files: mergekit/*.yaml per merge, nanotron/*.yaml per training run, SCALE_OUT.md.
     */
    exportReport(id: string): Promise<{ name: string; bytes: Uint8Array }[]>;
    delete(id: string): Promise<void>;
  };
}

function problemsText(problems: Problem[]): string {
  return `the recipe has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`;
}

/** What the runner drives: the actions a user would click, and nothing else of the studio. */
export type ExperimentStudio = Pick<ModelActions, 'createModel'> & Pick<TrainActions, 'train'> & { runs: Pick<TrainActions['runs'], 'resume'> }
  & Pick<GrowthActions, 'grow'> & Pick<AdaptActions, 'adapt'> & Pick<MergeActions, 'merge'> & Pick<EvaluationActions, 'evaluate'>;

export function createExperimentActions(s: Services, api: () => ExperimentStudio, ready: () => Promise<void>): ExperimentActions & { loadExperiments(): Promise<void>; experimentChangedElsewhere(id: string): Promise<void> } {
  let running: string | undefined;

  async function context(): Promise<RecipeContext> {
    const st = useStudio.getState();
    return { corpora: st.corpora, checkpoints: st.checkpoints, suites: st.suites, mergeMethods: MERGE_METHODS.map((m) => m.id), deviceLimits: await currentDeviceLimits() };
  }

  async function save(rec: ExperimentRecord): Promise<void> {
    await s.experiments.put(rec);
    useStudio.setState((st) => ({ experiments: [rec, ...st.experiments.filter((x) => x.id !== rec.id)] }));
  }

  function held() {
    const st = useStudio.getState();
    return { checkpoints: st.checkpoints.map((c) => c.id), evaluations: st.evaluations.map((e) => e.id), runs: Object.keys(st.runs) };
  }

  async function validate(recipe: unknown): Promise<{ recipe: Recipe; plan: ExperimentPlan } | { problems: Problem[] }> {
    await ready();
    const v = validateRecipe(recipe, await context());
    if ('problems' in v) return v;
    const base = v.recipe.base.from === 'checkpoint' ? useStudio.getState().checkpoints.find((c) => c.id === (v.recipe.base as { checkpoint: string }).checkpoint) : undefined;
    return { recipe: v.recipe, plan: planExperiment(v.recipe, base?.config) };
  }

  /** Waits for a run and returns its checkpoint; the run id is stored before the first step. */
  async function trained(rec: ExperimentRecord, state: ResumeState, stage: Stage, start: () => RunHandle | Promise<RunHandle>): Promise<{ runId: string; checkpointId: string }> {
    const handle = await start();
    rec.progress[stage.id] = stageRecord(rec.plan, state, stage.id, { runId: handle.id });
    await save(rec);
    useStudio.setState({ experimentLive: { id: rec.id, stage: stage.id, runId: handle.id } });
    return { runId: handle.id, checkpointId: await handle.done };
  }

  /** Continues the stage's interrupted run, or takes its result if it finished before the reload. */
  async function continued(rec: ExperimentRecord, state: ResumeState, stage: Stage): Promise<{ runId: string; checkpointId: string } | undefined> {
    const runId = rec.progress[stage.id]?.runId;
    if (!runId) return undefined;
    const run = await s.runs.get(runId);
    if (run?.resultId && useStudio.getState().checkpoints.some((c) => c.id === run.resultId)) return { runId, checkpointId: run.resultId };
    // A record still saying running or paused was cut off with its tab; resume() holds the run's lock.
    if (run?.status !== 'interrupted' && run?.status !== 'running' && run?.status !== 'paused') return undefined;
    return trained(rec, state, stage, () => api().runs.resume(runId));
  }

  async function runStage(rec: ExperimentRecord, state: ResumeState, stage: Stage): Promise<{ runId?: string; checkpointId?: string; evaluationId?: string }> {
    const studio = api();
    const ckpt = (id: string) => state.checkpoints[id];
    const label = (what: string) => `${rec.name} · ${what}`;
    const status = state.stages.find((x) => x.id === stage.id)!.status;
    if (status === 'resume' && (stage.kind === 'base' || stage.kind === 'adapt')) {
      const r = await continued(rec, state, stage);
      if (r) return r;
    }
    switch (stage.kind) {
      case 'base': {
        if (stage.checkpoint) return { checkpointId: stage.checkpoint };
        const t = stage.train!;
        const init = await studio.createModel({ name: label('base init'), config: t.config, seed: t.seed });
        return trained(rec, state, stage, () => studio.train({
          from: init, name: label('base'), data: [{ corpus: t.corpus, weight: 1 }], steps: t.steps, batchSize: t.batchSize, microBatch: t.microBatch, seqLen: t.seqLen, lr: t.lr,
          warmupSteps: t.warmupSteps, seed: t.seed, checkpointEvery: Math.max(1, Math.round(t.steps / 5)),
        }));
      }
      case 'grow':
        return { checkpointId: await studio.grow(ckpt('base'), { method: 'hyperclone', factor: stage.factor, noiseSnrDb: stage.noiseSnrDb, seed: stage.seed, name: label(`base x${stage.factor}`) }) };
      case 'adapt':
        return trained(rec, state, stage, () => studio.adapt({
          from: ckpt(stage.inputs[0]), target: stage.corpus, replay: stage.replay, replayCorpus: stage.replayCorpus, steps: stage.steps,
          batchSize: stage.batchSize, microBatch: stage.microBatch, seqLen: stage.seqLen, lr: stage.lr, warmupSteps: stage.warmupSteps, seed: stage.seed,
          evalEvery: stage.evalEvery, evalTokens: stage.evalTokens, evalSuites: [], checkpointEvery: stage.evalEvery, name: label(`${stage.language} x${stage.scale}`),
        }));
      case 'merge':
        return {
          checkpointId: await studio.merge({
            method: stage.method, ...(stage.base ? { base: ckpt(stage.base) } : {}), models: stage.experts.map((e) => ({ id: ckpt(e), ...stage.modelParams })),
            params: stage.params, name: label(`${stage.method}(${stage.subset.join('+')}) x${stage.scale}`),
          }),
        };
      case 'evaluate':
        return { evaluationId: (await studio.evaluate({ checkpoints: stage.inputs.map(ckpt), suites: stage.suites, maxPairs: stage.maxPairs, validationTokens: stage.validationTokens })).id };
    }
  }

  /** Runs the experiment holding its tab lock (taken by the caller before the record says running). */
  async function execute(rec: ExperimentRecord, release: Release): Promise<ExperimentRecord> {
    if (running) {
      release();
      throw new Error(`experiment ${running} is running; one experiment runs at a time`);
    }
    running = rec.id;
    try {
      rec = { ...rec, status: 'running', error: undefined };
      await save(rec);
      for (;;) {
        const state = resumePlan(rec.plan, rec.progress, held());
        if (state.complete) {
          rec = { ...rec, status: 'completed', stage: undefined, finishedAt: new Date().toISOString() };
          await save(rec);
          return rec;
        }
        const stage = rec.plan.stages.find((x) => x.id === (state.next ?? state.stages.find((y) => y.status === 'blocked')?.id))!;
        if (state.blocked || !state.next) throw Object.assign(new Error(`stage ${stage.id} cannot run: ${state.blocked}`), { stage: stage.id });
        rec.stage = stage.id;
        useStudio.setState({ experimentLive: { id: rec.id, stage: stage.id } });
        await save(rec);
        let outcome;
        try {
          outcome = await runStage(rec, state, stage);
        } catch (e) {
          throw Object.assign(new Error(`stage ${stage.id} (${stage.title}) failed: ${(e as Error).message}`), { stage: stage.id });
        }
        rec.progress = { ...rec.progress, [stage.id]: stageRecord(rec.plan, state, stage.id, outcome) };
        await save(rec);
      }
    } catch (e) {
      rec = { ...rec, status: 'failed', error: (e as Error).message, stage: (e as { stage?: string }).stage ?? rec.stage };
      await save(rec);
      throw e;
    } finally {
      running = undefined;
      useStudio.setState({ experimentLive: undefined });
      release();
    }
  }

  /** The experiment's lock, or a refusal naming the tab that has it. */
  async function claim(id: string): Promise<Release> {
    const release = await s.tabs.tryHold(experimentLock(id));
    if (!release) throw new Error(`experiment ${id} is running in another tab of the studio; follow it there, or close that tab first`);
    return release;
  }

  function start(rec: ExperimentRecord, release: Release): ExperimentHandle {
    const done = execute(rec, release);
    done.catch(() => undefined); // reported through the record and the handle's caller
    return { id: rec.id, done };
  }

  function record(id: unknown): ExperimentRecord {
    const rec = useStudio.getState().experiments.find((x) => x.id === id);
    if (!rec) throw new Error(`no experiment with id ${JSON.stringify(id)}; see studio.experiments.list()`);
    return rec;
  }

  function status(id: string): ExperimentStatusView {
    const rec = record(id);
    const st = useStudio.getState();
    const live = st.experimentLive?.id === id ? st.experimentLive : undefined;
    // Done = what the runner would reuse (resumePlan over what the studio holds), so the tree
    // never calls a stage done that resuming would make again.
    const reused = new Set(resumePlan(rec.plan, rec.progress, held()).stages.filter((x) => x.status === 'reuse').map((x) => x.id));
    const done = (stage: Stage) => reused.has(stage.id);
    const stages = rec.plan.stages.map<StageView>((x) => ({
      id: x.id, title: x.title, kind: x.kind,
      status: live?.stage === x.id ? 'running' : rec.status === 'failed' && rec.stage === x.id ? 'failed' : done(x) ? 'done' : 'pending',
    }));
    const view: ExperimentStatusView = { id, name: rec.name, status: rec.status, stages, ...(rec.error ? { error: rec.error } : {}) };
    if (live) {
      const stage = rec.plan.stages.find((x) => x.id === live.stage)!;
      const run = live.runId ? st.runs[live.runId] : undefined;
      const last = run?.metrics[run.metrics.length - 1];
      view.current = { stage: stage.id, title: stage.title, ...(live.runId ? { runId: live.runId } : {}), ...(run ? { step: last?.step ?? 0, steps: run.record.settings.steps } : {}) };
    }
    // ETA from the FLOP rate of the training done so far in this experiment.
    let doneFlops = 0;
    let seconds = 0;
    let left = 0;
    for (const x of rec.plan.stages) {
      const planned = x.kind === 'adapt' ? x.flops : x.kind === 'base' && x.train ? x.train.flops : 0;
      const runId = rec.progress[x.id]?.runId;
      const m = runId ? st.runs[runId]?.metrics : undefined;
      const last = m?.[m.length - 1];
      if (last && last.elapsed > 0) {
        doneFlops += last.flops;
        seconds += last.elapsed;
      }
      left += Math.max(0, planned - (done(x) ? planned : (last?.flops ?? 0)));
    }
    if (doneFlops > 0 && seconds > 0 && rec.status === 'running') view.etaSeconds = (left / doneFlops) * seconds;
    return view;
  }

  const { report, exportReport } = createExperimentReports(s, record, ready);

  /**
   * With the experiment's lock held by this tab: one still recorded as running was cut off with
   * its tab and is interrupted (written best effort: a full disk must not stop start-up).
   */
  async function settleHeld(id: string): Promise<void> {
    const r = await s.experiments.get(id);
    if (!r || running === id) return;
    const next = r.status === 'running' ? { ...r, status: 'interrupted' as const } : r;
    if (next !== r) await s.experiments.put(next).catch(() => undefined);
    useStudio.setState((st) => ({ experiments: [next, ...st.experiments.filter((x) => x.id !== id)].sort((a, b) => b.createdAt.localeCompare(a.createdAt)), experimentsElsewhere: st.experimentsElsewhere.filter((x) => x !== id) }));
  }

  /** Settles an experiment no tab runs, if no tab takes it meanwhile. */
  async function settleOrphan(id: string): Promise<void> {
    const release = await s.tabs.tryHold(experimentLock(id));
    if (!release) return;
    try {
      await settleHeld(id);
    } finally {
      release();
    }
  }

  const watching = new Set<string>();
  /** Takes over an experiment running in another tab once that tab lets go of it. */
  function watchElsewhere(id: string): void {
    if (watching.has(id)) return;
    watching.add(id);
    s.tabs.whenFree(experimentLock(id), async () => {
      watching.delete(id);
      await settleHeld(id);
    });
  }

  /** Another tab wrote an experiment's record: show it as it is now. */
  async function experimentChangedElsewhere(id: string): Promise<void> {
    if (running === id) return;
    const r = await s.experiments.get(id);
    if (!r) {
      useStudio.setState((st) => ({ experiments: st.experiments.filter((x) => x.id !== id), experimentsElsewhere: st.experimentsElsewhere.filter((x) => x !== id) }));
      return;
    }
    const elsewhere = r.status === 'running' && (await s.tabs.held()).has(experimentLock(id));
    if (elsewhere) watchElsewhere(id);
    useStudio.setState((st) => ({
      experiments: [r, ...st.experiments.filter((x) => x.id !== id)].sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
      experimentsElsewhere: elsewhere ? [...new Set([...st.experimentsElsewhere, id])] : st.experimentsElsewhere.filter((x) => x !== id),
    }));
  }

  return {
    async loadExperiments() {
      // An experiment still marked running whose lock no tab holds was cut off by a reload; it
      // waits to be resumed. One whose lock another tab holds runs there. Listed before any write.
      const held = await s.tabs.held();
      const stored = await s.experiments.list();
      const elsewhere = stored.filter((r) => r.status === 'running' && held.has(experimentLock(r.id))).map((r) => r.id);
      const list = stored.map((r) => (r.status === 'running' && !elsewhere.includes(r.id) ? { ...r, status: 'interrupted' as const } : r));
      useStudio.setState({ experiments: list.sort((a, b) => b.createdAt.localeCompare(a.createdAt)), experimentsElsewhere: elsewhere });
      elsewhere.forEach(watchElsewhere);
      for (const r of stored) if (r.status === 'running' && !elsewhere.includes(r.id)) await settleOrphan(r.id).catch(() => undefined);
    },
    experimentChangedElsewhere,
    experiments: {
      presets: () => RECIPE_PRESETS,
      schema: () => RECIPE_SCHEMA_DOC,
      async validate(recipe) {
        const v = await validate(recipe);
        return 'problems' in v ? { ok: false, problems: v.problems } : { ok: true, plan: v.plan };
      },
      async run(input) {
        const v = await validate(input);
        if ('problems' in v) throw new Error(problemsText(v.problems));
        const rec: ExperimentRecord = { id: newId('exp'), name: v.recipe.name, createdAt: new Date().toISOString(), recipe: v.recipe, plan: v.plan, progress: {} as Progress, status: 'running' };
        const release = await claim(rec.id);
        try {
          await save(rec); // listed (and status(id) answers) from the moment run() resolves
        } catch (e) {
          release();
          throw e;
        }
        return start(rec, release);
      },
      async resume(id) {
        await ready();
        record(id);
        if (running === id) throw new Error(`experiment ${id} is running`);
        const release = await claim(id);
        try {
          // Read again holding the lock: another tab may have finished it meanwhile.
          const rec = (await s.experiments.get(id)) ?? record(id);
          if (rec.status === 'completed') throw new Error(`experiment ${id} is complete; nothing to resume`);
          await save({ ...rec, status: 'running', error: undefined });
          return start(rec, release);
        } catch (e) {
          release();
          throw e;
        }
      },
      async list() {
        await ready();
        return useStudio.getState().experiments;
      },
      status,
      report,
      exportReport,
      async delete(id) {
        record(id);
        if (running === id) throw new Error(`experiment ${id} is running; it cannot be deleted now`);
        const release = await s.tabs.tryHold(experimentLock(id));
        if (!release) throw new Error(`experiment ${id} is running in another tab of the studio; it cannot be deleted now`);
        try {
          await s.experiments.delete(id);
        } finally {
          release();
        }
        useStudio.setState((st) => ({ experiments: st.experiments.filter((x) => x.id !== id) }));
      },
    },
  };
}
