// The studio's actions, published as `window.studio`: the typed automation API that Playwright
// suites drive and that the UI itself calls. This file is start-up and composition only: each
// feature's actions live in its own module (models, corpora, train, grow, adapt, merge,
// evaluate, interop, experiments, backup, gpu), validate their arguments there or in the core
// validators, and reject a bad one with an Error naming it and what is allowed.
import { startForgetDemo, type ForgetDemoHandle, type ForgetSize } from './educatorPresets';
import { type AdaptActions, createAdaptActions } from './adapt';
import { type BackupActions, createBackupActions } from './backup';
import { type CorpusActions, createCorpusActions } from './corpora';
import { createEvaluationActions, type EvaluationActions } from './evaluation';
import { createExperimentActions, type ExperimentActions } from './experiment';
import { createGpuActions, type GpuActions } from './gpu';
import { createGrowthActions, type GrowthActions } from './growth';
import { createInteropActions, type InteropActions } from './interop';
import { createMergeActions, type MergeActions } from './merge';
import { createMemoryPlanActions, type MemoryPlanActions } from './memoryPlan';
import { createModelActions, type ModelActions } from './models';
import { createServices, EngineCache, type Services } from './services';
import { notify } from './store';
import { SuiteLibrary } from './suiteLibrary';
import { followOtherTabs } from './tabSync';
import { createTrainActions, type TrainActions } from './train';
import { RunManager } from './training';

export type { RunHandle } from './training';

export interface StudioApi extends ModelActions, CorpusActions, TrainActions, GrowthActions, AdaptActions, MergeActions, EvaluationActions, InteropActions, ExperimentActions, BackupActions, GpuActions, MemoryPlanActions {
  /** Resolves when the backend, corpora, checkpoints and runs are loaded. */
  ready: Promise<void>;
  /**
   * The educator's story (the #/forget view): a new model learns English, then Icelandic without
   * replay, with greedy samples after each stage; handle.replayPass(share) repeats the Icelandic
   * phase from the same English checkpoint with English replay (see educatorPresets.ts).
   */
  watchAModelForget(size?: ForgetSize): ForgetDemoHandle;
}

export function createStudio(services: Services = createServices()): StudioApi {
  const s = services;
  const cache = new EngineCache(s);
  const suites = new SuiteLibrary(s);
  const runs = new RunManager(s, cache, suites);
  const whenReady = () => ready;

  const { loadCorpora, corpusInfo, ...corpusActions } = createCorpusActions(s, whenReady);
  const { refreshCheckpoints, manifest, ...modelActions } = createModelActions(s, cache, runs, { corpusInfo }, whenReady);
  const { loadRuns, runChangedElsewhere, runPointsElsewhere, ...trainActions } = createTrainActions(s, runs);
  const { startBackend, ...gpuActions } = createGpuActions(s, cache, whenReady);
  const growth = createGrowthActions(s, cache, manifest);
  const adaptActions = createAdaptActions(runs, growth);
  const mergeActions = createMergeActions(s, cache, manifest, growth.grow);
  const { loadExperiments, experimentChangedElsewhere, ...experimentActions } = createExperimentActions(s, () => api, whenReady);

  const ready: Promise<void> = (async () => {
    followOtherTabs(s.tabs, {
      refresh: { checkpoints: refreshCheckpoints, corpora: loadCorpora, suites: () => suites.refresh(), evaluations: () => reloadEvaluations() },
      run: runChangedElsewhere,
      runPoints: runPointsElsewhere,
      experiment: experimentChangedElsewhere,
    });
    await Promise.all([startBackend('auto'), loadCorpora(), refreshCheckpoints(), loadRuns(), loadExperiments()]);
  })();
  ready.catch((e: Error) => notify('error', e.message));

  const { reloadEvaluations, ...evaluationActions } = createEvaluationActions(s, cache, suites, manifest, ready);
  const refreshAll = async () => void (await Promise.all([refreshCheckpoints(), loadCorpora(), suites.refresh(), reloadEvaluations(), loadRuns(), loadExperiments()]));

  const api: StudioApi = {
    ready,
    ...modelActions,
    ...corpusActions,
    ...trainActions,
    ...growth,
    ...adaptActions,
    ...mergeActions,
    ...evaluationActions,
    ...createInteropActions(s, cache, manifest, ready),
    ...experimentActions,
    ...createBackupActions(s, { ready, refresh: refreshAll }),
    ...gpuActions,
    ...createMemoryPlanActions(manifest, whenReady),
    watchAModelForget: (size) => startForgetDemo({ createModel: api.createModel, runs, adapt: adaptActions.adapt, generate: api.generate }, size),
  };
  return api;
}
