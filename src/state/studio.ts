// The studio's actions, published as `window.studio`: the typed automation API that Playwright
// suites drive and that the UI itself calls. Every argument from outside is validated here or in
// the core validators, and a bad one rejects with an Error naming it and what is allowed.
import type { CheckpointManifest } from '../core/checkpoint/manifest';
import { newId } from '../core/checkpoint/manifest';
import type { CorpusIndex, CorpusInfo } from '../core/data/corpusSplit';
import { parseUserCorpus, splitUnits } from '../core/data/corpusSplit';
import { type LlamaConfig, MODEL_PRESETS, type ModelPreset, validateConfig } from '../core/model/config';
import { initialWeights } from '../core/model/init';
import { checkFitsDevice, countParameters } from '../core/model/weights';
import { currentDeviceLimits } from './deviceLimits';
import { encodeSafetensors } from '../core/checkpoint/safetensors';
import { ByteTokenizer } from '../core/tokenizer/byte';
import type { RunRecord } from '../storage/runs';
import { experimentLock, runLock } from '../storage/tabs';
import type { BackendInfo, BackendName, MemoryInfo } from '../worker/protocol';
import type { MergeParity, MergeParityRun, ParityReport } from '../gpu/parity';
import type { KernelParity } from '../gpu/kernels/parity';
import type { StepProfile } from '../gpu/profile';
import type { DeviceCeilings, MergeThroughput } from '../gpu/microbench';
import { mergeMethod } from '../core/merge/registry';
import { createServices, EngineCache, type Services } from './services';
import { notify, type RunView, useStudio } from './store';
import { type RunHandle, RunManager } from './training';
import { createGrowthActions, type GrowthActions } from './growth';
import { createEvaluationActions, type EvaluationActions } from './evaluation';
import { SuiteLibrary } from './suiteLibrary';
import { type AdaptActions, createAdaptActions } from './adapt';
import { createMergeActions, type MergeActions } from './merge';
import { createInteropActions, type InteropActions } from './interop';
import { freeTokenizerIfUnused, sweepTokenizers } from './tokenizerFiles';
import { createExperimentActions, type ExperimentActions } from './experiment';
import { type ForgetDemoHandle, startForgetDemo } from './educatorPresets';
import { type BackupActions, createBackupActions } from './backup';
import { isPersisted } from './persistence';

export type { RunHandle } from './training';

export interface StudioApi extends GrowthActions, EvaluationActions, AdaptActions, MergeActions, InteropActions, ExperimentActions, BackupActions {
  /** Resolves when the backend, corpora, checkpoints and runs are loaded. */
  ready: Promise<void>;
  backend(): Promise<BackendInfo>;
  setBackend(name: BackendName): Promise<BackendInfo>;
  corpora(): Promise<CorpusInfo[]>;
  addCorpus(fileName: string, text: string, options?: { name?: string; language?: string }): Promise<{ id: string; lines: number; errors: { line: number; message: string }[] }>;
  deleteCorpus(id: string): Promise<void>;
  presets(): ModelPreset[];
  createModel(options: { name: string; config: unknown; seed?: number }): Promise<string>;
  train(options: Record<string, unknown>): RunHandle;
  runs: {
    list(): Promise<RunRecord[]>;
    resume(runId: string): Promise<RunHandle>;
    /** Pauses, resumes or stops a run of this page, whoever started it. */
    control(runId: string, action: 'pause' | 'resume' | 'stop'): Promise<void>;
    /** Saves again a run's final checkpoint that did not fit (this page keeps the weights until reload). */
    saveResult(runId: string): Promise<string>;
    delete(runId: string): Promise<void>;
  };
  checkpoints: {
    list(): Promise<CheckpointManifest[]>;
    get(id: string): Promise<CheckpointManifest>;
    delete(id: string): Promise<void>;
    rename(id: string, name: string): Promise<CheckpointManifest>;
  };
  scoreTexts(id: string, texts: string[]): Promise<number[]>;
  validationLoss(id: string, corpus: string, options?: { seqLen?: number; maxTokens?: number }): Promise<number>;
  tokenize(id: string, text: string): Promise<number[]>;
  memory(): Promise<MemoryInfo>;
  /** The educator's demonstration: English first, then Icelandic without replay (see educatorPresets.ts). */
  watchAModelForget(size?: 'tiny' | 'gpu'): ForgetDemoHandle;
  /** Loss and gradients of a tiny model on the active backend against the CPU reference. */
  checkBackendParity(config?: unknown, seed?: number): Promise<ParityReport>;
  /** Every merge method on random experts, active backend against the CPU reference. */
  /**
   * Merges on random experts of a tiny model on the active backend against the CPU reference:
   * every method with its defaults, or `runs` in the order given, on one page (a kernel whose
   * state leaks from one merge into the next shows).
   */
  checkMergeParity(config?: unknown, seed?: number, runs?: unknown): Promise<MergeParity[]>;
  /** Browser storage used and allowed, the checkpoints' bytes, and whether the browser keeps the storage under pressure (persisted). */
  storage(): Promise<{ usage: number; quota: number; checkpointBytes: number; persisted: boolean }>;
  /**
   * Our WebGPU kernels ('studio', the default) or the stock tfjs ops ('stock') for runs started
   * afterwards; `off` switches single kernels off; `precision: 'f16'` stores the linear layers'
   * operands as binary16 on our path (default 'f32'). Without a mode, reports the current state.
   */
  kernels(mode?: 'studio' | 'stock', options?: { off?: string[]; precision?: 'f32' | 'f16' }): Promise<{ mode: 'studio' | 'stock'; precision: 'f32' | 'f16'; off: string[]; rowLayout: 'workgroup' | 'thread'; kernels: { id: string; description: string; active: boolean }[] }>;
  /** Each of our kernels against its CPU reference on the active backend. */
  checkKernelParity(): Promise<KernelParity[]>;
  /** Programs (and GPU times, where the adapter can time them) of one training step of `config`. */
  profileTrainingStep(options: { config: unknown; batchSize: number; seqLen: number }): Promise<StepProfile>;
  /** One evaluation batch (forward pass, target log-probabilities) of a fresh model, per kernel, with the current kernel mode. */
  profileScoringBatch(options: { config: unknown; batchSize: number; seqLen: number }): Promise<StepProfile>;
  /** Matmul ceiling (GFLOP/s), the model's linear-layer shapes and copy bandwidth (GB/s) of the active backend. */
  measureDevice(options?: { modelShapes?: [number, number, number][] }): Promise<DeviceCeilings>;
  /** One merge of a tensor of `elements` floats with resident inputs, in the current kernel mode: ms and GB/s. */
  measureMerge(options: { method: string; elements?: number; experts?: number; params?: Record<string, unknown> }): Promise<MergeThroughput>;
}

/** Validation-loss defaults: long enough windows to be meaningful, few enough to be quick. */
const DEFAULT_EVAL_SEQ = 128;
const DEFAULT_EVAL_TOKENS = 4096;

/** A profile's model and batch shape, checked before the engine sees them. */
function profileArgs(options: { config: unknown; batchSize: number; seqLen: number } | undefined): { config: LlamaConfig; batchSize: number; seqLen: number } {
  const config = validateConfig(options?.config);
  const { batchSize, seqLen } = options ?? {};
  if (!Number.isInteger(batchSize) || batchSize! < 1) throw new Error(`batchSize must be a positive integer, got ${JSON.stringify(batchSize)}`);
  if (!Number.isInteger(seqLen) || seqLen! < 2 || seqLen! > config.max_position_embeddings) throw new Error(`seqLen must be an integer from 2 to ${config.max_position_embeddings}, got ${JSON.stringify(seqLen)}`);
  return { config, batchSize: batchSize!, seqLen: seqLen! };
}

export function createStudio(services: Services = createServices()): StudioApi {
  const s = services;
  const cache = new EngineCache(s);
  const suites = new SuiteLibrary(s);
  const runs = new RunManager(s, cache, suites);

  async function refreshStorageEstimate(): Promise<void> {
    const est = await navigator.storage?.estimate?.().catch(() => undefined);
    if (est) useStudio.setState({ storage: { usage: est.usage ?? 0, quota: est.quota ?? 0 } });
  }

  async function refreshCheckpoints(): Promise<void> {
    const { checkpoints, damaged } = await s.checkpoints.list();
    useStudio.setState({ checkpoints, damaged });
    await refreshStorageEstimate();
  }

  async function loadCorpora(): Promise<void> {
    const res = await fetch(`${import.meta.env.BASE_URL}corpora/index.json`);
    if (!res.ok) throw new Error(`the embedded corpora are missing (corpora/index.json: ${res.status}); run npm run build:data`);
    const index = (await res.json()) as CorpusIndex;
    const user = (await s.userCorpora.list()).map<CorpusInfo>((c) => ({
      id: c.id, language: c.language, name: c.name, source: 'user', featured: true,
      trainBytes: new TextEncoder().encode(c.train).length, validBytes: new TextEncoder().encode(c.valid).length,
    }));
    useStudio.setState({ corpora: [...user, ...index.corpora] });
  }

  async function loadRuns(): Promise<void> {
    // A run still marked running or paused whose lock no tab holds was cut off by a reload or a
    // crash: it is interrupted, and its curve keeps every saved point (continuing it trims the
    // points after its snapshot, which it recomputes). One whose lock another tab holds is live
    // there: shown from that tab's broadcasts, and taken over when that tab is gone.
    const records = await s.runs.list();
    const held = await s.tabs.held();
    const views: Record<string, RunView> = {};
    const stale: string[] = [];
    for (const r of records) {
      const live = r.status === 'running' || r.status === 'paused';
      const elsewhere = live && held.has(runLock(r.id));
      if (live && !elsewhere) stale.push(r.id);
      views[r.id] = { record: r, status: live && !elsewhere ? 'interrupted' : r.status, metrics: r.metrics, version: 1, ...(elsewhere ? { elsewhere: true } : {}) };
      if (elsewhere) watchRunElsewhere(r.id);
    }
    useStudio.setState({ runs: views });
    // Writes come after everything is listed, and none of them may stop the start-up: under a
    // full quota the studio still opens with every run, checkpoint and experiment.
    for (const id of stale) await markInterrupted(id).catch(() => undefined);
    await s.checkpoints.sweepOrphans(() => s.runs.liveBlobKeys(), () => sweepTokenizers(s)).catch(() => undefined);
  }

  /** Records a run nobody trains as interrupted, holding its lock so no tab resumes it meanwhile. */
  async function markInterrupted(runId: string): Promise<void> {
    const release = await s.tabs.tryHold(runLock(runId));
    if (!release) return;
    try {
      await settleOrphanRun(runId);
    } finally {
      release();
    }
  }

  /** With the run's lock held by this tab and no active run here: interrupted if it said live. */
  async function settleOrphanRun(runId: string): Promise<void> {
    if (runs.isActive(runId)) return;
    const r = await s.runs.get(runId);
    if (!r) return;
    const live = r.status === 'running' || r.status === 'paused';
    const record: RunRecord = live ? { ...r, status: 'interrupted' } : r;
    if (live) await s.runs.put(record).catch(() => undefined); // shown as interrupted even if the disk is full
    useStudio.setState((st) => ({ runs: { ...st.runs, [runId]: { record, status: record.status, metrics: longer(st.runs[runId]?.metrics, record.metrics), version: (st.runs[runId]?.version ?? 0) + 1 } } }));
  }

  const watched = new Set<string>();
  /** Takes over a run live in another tab once that tab lets go of it (it finished or closed). */
  function watchRunElsewhere(runId: string): void {
    if (watched.has(runId)) return;
    watched.add(runId);
    s.tabs.whenFree(runLock(runId), async () => {
      watched.delete(runId);
      await settleOrphanRun(runId);
    });
  }

  /** Another tab wrote a run's record: show it as it is now. */
  async function runChangedElsewhere(runId: string): Promise<void> {
    if (runs.isActive(runId)) return;
    const r = await s.runs.get(runId);
    if (!r) {
      useStudio.setState((st) => {
        const rest = { ...st.runs };
        delete rest[runId];
        return { runs: rest };
      });
      return;
    }
    const live = r.status === 'running' || r.status === 'paused';
    const elsewhere = live && (await s.tabs.held()).has(runLock(runId));
    if (elsewhere) watchRunElsewhere(runId);
    useStudio.setState((st) => {
      const v = st.runs[runId];
      return { runs: { ...st.runs, [runId]: { record: r, status: live && !elsewhere ? 'interrupted' : r.status, metrics: longer(v?.metrics, r.metrics), version: (v?.version ?? 0) + 1, ...(elsewhere ? { elsewhere: true } : {}), ...(v?.unsavedResult && r.status === 'interrupted' ? { unsavedResult: true } : {}) } } };
    });
  }

  /** The other tabs' writes, shown here: lists refresh, live runs and experiments update. */
  function followOtherTabs(): void {
    const pending = new Set<string>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refreshers: Record<string, () => Promise<unknown>> = {
      checkpoints: refreshCheckpoints,
      corpora: loadCorpora,
      suites: () => suites.refresh(),
      evaluations: () => reloadEvaluations(),
    };
    s.tabs.onMessage((m) => {
      switch (m.type) {
        case 'changed':
          pending.add(m.what);
          timer ??= setTimeout(() => {
            timer = undefined;
            for (const what of [...pending]) void refreshers[what]().catch(() => undefined);
            pending.clear();
          }, 50);
          return;
        case 'run':
          void runChangedElsewhere(m.runId).catch(() => undefined);
          return;
        case 'runPoints': {
          const v = useStudio.getState().runs[m.runId];
          if (!v?.elsewhere) return;
          for (const p of m.points) if (!v.metrics.length || p.step > v.metrics[v.metrics.length - 1].step) v.metrics.push(p);
          useStudio.setState((st) => ({ runs: { ...st.runs, [m.runId]: { ...v, version: v.version + 1 } } }));
          return;
        }
        case 'experiment':
          void experimentChangedElsewhere(m.id).catch(() => undefined);
          return;
      }
    });
  }

  async function startBackend(name: BackendName | 'auto'): Promise<BackendInfo> {
    useStudio.setState({ backend: { starting: true } });
    try {
      const info = await s.engine.call('init', { backend: name });
      cache.forgetModels();
      useStudio.setState({ backend: { info, starting: false } });
      return info;
    } catch (e) {
      useStudio.setState((st) => ({ backend: { ...st.backend, starting: false, error: (e as Error).message } }));
      throw e;
    }
  }

  const { loadExperiments, experimentChangedElsewhere, ...experimentActions } = createExperimentActions(s, () => api, () => ready);
  const ready = (async () => {
    followOtherTabs();
    await Promise.all([startBackend('auto'), loadCorpora(), refreshCheckpoints(), loadRuns(), loadExperiments()]);
  })();
  ready.catch((e: Error) => notify('error', e.message));

  async function manifest(id: unknown): Promise<CheckpointManifest> {
    if (typeof id !== 'string') throw new Error(`id must be a checkpoint id string, got ${JSON.stringify(id)}`);
    const m = await s.checkpoints.get(id);
    if (!m) throw new Error(`no checkpoint with id ${id}; see studio.checkpoints.list()`);
    return m;
  }

  function corpusInfo(id: unknown): CorpusInfo {
    const c = useStudio.getState().corpora.find((x) => x.id === id);
    if (!c) throw new Error(`corpus ${JSON.stringify(id)} is not known; see studio.corpora()`);
    return c;
  }

  /**
   * A checkpoint a run trains from, or that an experiment running in any tab holds, cannot be
   * deleted: the run or stage would lose its input. Read from storage, so other tabs count.
   */
  async function refuseIfInUse(id: string): Promise<void> {
    const held = await s.tabs.held();
    const liveRun = (await s.runs.list()).find((r) => r.settings.from === id && (runs.isActive(r.id) || ((r.status === 'running' || r.status === 'paused') && held.has(runLock(r.id)))));
    if (liveRun) throw new Error(`checkpoint ${id} is being trained by run ${liveRun.id} ("${liveRun.settings.name}")${runs.isActive(liveRun.id) ? '' : ' in another tab'}; stop the run first`);
    const exp = (await s.experiments.list()).find((x) => x.status === 'running' && held.has(experimentLock(x.id)) && JSON.stringify([x.recipe, x.progress]).includes(`"${id}"`));
    if (exp) throw new Error(`checkpoint ${id} is used by experiment "${exp.name}", which is running; delete it when the experiment is over`);
  }

  async function reloadEvaluations(): Promise<void> {
    useStudio.setState({ evaluations: await s.evaluations.list() });
  }

  const growth = createGrowthActions(s, cache, manifest);
  const adaptActions = createAdaptActions(runs, growth);
  const api: StudioApi = {
    ready,
    ...growth,
    ...adaptActions,
    ...createMergeActions(s, cache, manifest, growth.grow),
    ...createInteropActions(s, cache, manifest, ready),
    ...experimentActions,
    watchAModelForget: (size) => startForgetDemo(api.createModel, runs, adaptActions.adapt, size),
    ...createEvaluationActions(s, cache, suites, manifest, ready),
    ...createBackupActions(s, { ready, refresh: async () => void (await Promise.all([refreshCheckpoints(), loadCorpora(), suites.refresh(), reloadEvaluations(), loadRuns(), loadExperiments()])) }),
    async backend() {
      await ready.catch(() => undefined);
      const info = useStudio.getState().backend.info;
      if (!info) throw new Error(`no backend is running: ${useStudio.getState().backend.error ?? 'still starting'}`);
      return info;
    },
    async setBackend(name) {
      if (name !== 'webgpu' && name !== 'cpu') throw new Error(`backend must be 'webgpu' or 'cpu', got ${JSON.stringify(name)}`);
      return startBackend(name);
    },
    async corpora() {
      await ready;
      return useStudio.getState().corpora;
    },
    async addCorpus(fileName, text, options = {}) {
      if (typeof fileName !== 'string' || typeof text !== 'string') throw new Error('addCorpus(fileName, text) needs a file name and its text');
      if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new Error(`options must be an object {name?, language?}, got ${JSON.stringify(options)}`);
      if (options.name !== undefined && typeof options.name !== 'string') throw new Error(`options.name must be a string, got ${JSON.stringify(options.name)}`);
      if (options.language !== undefined && typeof options.language !== 'string') throw new Error(`options.language must be an ISO 639-3 code (three lowercase letters) or 'und', got ${JSON.stringify(options.language)}`);
      const { lines, errors } = parseUserCorpus(fileName, text);
      if (lines.length < 2) throw new Error(`${fileName} has ${lines.length} usable line(s); a corpus needs at least 2 (one for training, one for validation)`);
      const { train, valid } = splitUnits(lines);
      const language = options.language ?? 'und';
      if (!/^[a-z]{3}$|^und$/.test(language)) throw new Error(`language must be an ISO 639-3 code of three lowercase letters (or 'und'), got ${JSON.stringify(language)}`);
      const id = newId('user');
      await s.userCorpora.put({ id, name: options.name?.trim() || fileName, language, createdAt: new Date().toISOString(), train: train.join('\n'), valid: (valid.length ? valid : train.slice(-1)).join('\n') });
      await loadCorpora();
      return { id, lines: lines.length, errors };
    },
    async deleteCorpus(id) {
      const c = corpusInfo(id);
      if (c.source !== 'user') throw new Error(`corpus ${id} is embedded; only your own corpora can be deleted`);
      await s.userCorpora.delete(id);
      await loadCorpora();
    },
    presets: () => MODEL_PRESETS,
    async createModel(options) {
      await ready;
      if (typeof options !== 'object' || options === null) throw new Error('createModel needs {name, config, seed?}');
      const { name, seed = 0 } = options;
      if (typeof name !== 'string' || !name.trim()) throw new Error('name must be a non-empty string');
      if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) throw new Error(`seed must be an integer from 0 to 4294967295, got ${JSON.stringify(seed)}`);
      const config = validateConfig(options.config);
      const tokenizer = new ByteTokenizer();
      if (config.vocab_size !== tokenizer.vocabSize) throw new Error(`config.vocab_size must be ${tokenizer.vocabSize} for the byte tokenizer, got ${config.vocab_size}`);
      checkFitsDevice(config, await currentDeviceLimits(), `model "${name.trim()}"`);
      const weights = [...initialWeights(config, seed)].map(([n, w]) => ({ name: n, shape: w.shape, data: w.data }));
      const id = newId('ckpt');
      const m = await s.checkpoints.save(
        { formatVersion: 1, id, name: name.trim(), createdAt: new Date().toISOString(), config, tokenizer: tokenizer.spec, parents: [], origin: { method: 'init', params: { seed } }, parameterCount: countParameters(config).total },
        encodeSafetensors(weights, { format: 'pt' }),
      );
      useStudio.setState((st) => ({ checkpoints: [m, ...st.checkpoints] }));
      void refreshStorageEstimate();
      return id;
    },
    train(options) {
      if (!useStudio.getState().backend.info) throw new Error('the studio is still starting; await studio.ready first');
      return runs.start(options);
    },
    runs: {
      list: () => s.runs.list(),
      resume: (runId) => runs.resume(runId),
      async control(runId, action) {
        if (action !== 'pause' && action !== 'resume' && action !== 'stop') throw new Error(`action must be 'pause', 'resume' or 'stop', got ${JSON.stringify(action)}`);
        await runs.control(runId, action);
      },
      saveResult: (runId) => runs.saveResult(runId),
      async delete(runId) {
        if (!runs.isActive(runId) && (await s.tabs.held()).has(runLock(runId))) throw new Error(`run ${runId} is running in another tab of the studio; stop it there first`);
        if (useStudio.getState().runs[runId]?.status === 'running' || runs.isActive(runId)) throw new Error(`run ${runId} is running; stop it first`);
        await s.runs.delete(runId);
        useStudio.setState((st) => {
          const rest = { ...st.runs };
          delete rest[runId];
          return { runs: rest };
        });
      },
    },
    checkpoints: {
      async list() {
        await ready;
        return useStudio.getState().checkpoints;
      },
      get: (id) => manifest(id),
      async delete(id) {
        const m = await manifest(id);
        await refuseIfInUse(id);
        await s.checkpoints.delete(id);
        await freeTokenizerIfUnused(s, m.tokenizer);
        await cache.unloadModel(id).catch(() => undefined);
        await refreshCheckpoints();
      },
      async rename(id, name) {
        const m = await s.checkpoints.rename(id, name);
        await refreshCheckpoints();
        return m;
      },
    },
    async scoreTexts(id, texts) {
      await manifest(id);
      if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) throw new Error('texts must be a list of strings');
      await cache.ensureModel(id);
      return s.engine.call('scoreTexts', { modelId: id, texts });
    },
    async validationLoss(id, corpus, options = {}) {
      const m = await manifest(id);
      const info = corpusInfo(corpus);
      const seqLen = options.seqLen ?? Math.min(DEFAULT_EVAL_SEQ, m.config.max_position_embeddings);
      const maxTokens = options.maxTokens ?? DEFAULT_EVAL_TOKENS;
      if (!Number.isInteger(seqLen) || seqLen < 2 || seqLen > m.config.max_position_embeddings) throw new Error(`seqLen must be an integer from 2 to ${m.config.max_position_embeddings}, got ${JSON.stringify(seqLen)}`);
      if (!Number.isInteger(maxTokens) || maxTokens < seqLen) throw new Error(`maxTokens must be an integer of at least seqLen (${seqLen}), got ${JSON.stringify(maxTokens)}`);
      await cache.ensureModel(id);
      await cache.ensureCorpus(info, false);
      return s.engine.call('validationLoss', { modelId: id, corpusId: info.id, seqLen, maxTokens });
    },
    async tokenize(id, text) {
      const m = await manifest(id);
      if (typeof text !== 'string') throw new Error('text must be a string');
      await cache.ensureModel(m.id);
      return s.engine.call('tokenize', { modelId: m.id, text });
    },
    memory: () => s.engine.call('memory', {}),
    async checkBackendParity(config = MODEL_PRESETS[0].config, seed = 0) {
      return s.engine.call('parity', { config: validateConfig(config), seed });
    },
    async kernels(mode, options) {
      if (mode !== undefined && mode !== 'studio' && mode !== 'stock') throw new Error(`mode must be 'studio' or 'stock', got ${JSON.stringify(mode)}`);
      const off = options?.off;
      if (off !== undefined && (!Array.isArray(off) || off.some((k) => typeof k !== 'string'))) throw new Error('options.off must be an array of kernel ids (see kernels().kernels)');
      const precision = options?.precision;
      if (precision !== undefined && precision !== 'f32' && precision !== 'f16') throw new Error(`options.precision must be 'f32' or 'f16', got ${JSON.stringify(precision)}`);
      if (precision !== undefined && mode === undefined) throw new Error("options.precision needs a mode: kernels('studio', { precision })");
      return s.engine.call('kernels', { mode, off, precision });
    },
    checkKernelParity: () => s.engine.call('kernelParity', {}),
    profileTrainingStep: async (options) => s.engine.call('profileStep', profileArgs(options)),
    profileScoringBatch: async (options) => s.engine.call('profileScoring', profileArgs(options)),
    async measureDevice(options) {
      const shapes = options?.modelShapes ?? [];
      if (!Array.isArray(shapes) || shapes.some((x) => !Array.isArray(x) || x.length !== 3 || x.some((d) => !Number.isInteger(d) || d < 1 || d > 65536))) {
        throw new Error('modelShapes must be a list of [tokens, in, out] positive integers up to 65536');
      }
      return s.engine.call('deviceCeilings', { modelShapes: shapes });
    },
    async measureMerge(options) {
      const { method, elements = 1 << 22, experts = 3, params } = options ?? ({} as never);
      mergeMethod(method); // throws naming the methods when unknown
      if (!Number.isInteger(elements) || elements < 1 || elements > 1 << 26) throw new Error(`elements must be an integer from 1 to ${1 << 26}, got ${JSON.stringify(elements)}`);
      if (!Number.isInteger(experts) || experts < 1 || experts > 8) throw new Error(`experts must be an integer from 1 to 8, got ${JSON.stringify(experts)}`);
      return s.engine.call('mergeThroughput', { method, elements, experts, params });
    },
    async checkMergeParity(config = MODEL_PRESETS[0].config, seed = 0, runs?: unknown) {
      return s.engine.call('mergeParity', { config: validateConfig(config), seed, runs: runs === undefined ? undefined : validateParityRuns(runs) });
    },
    async storage() {
      const est = await navigator.storage?.estimate?.();
      const checkpointBytes = useStudio.getState().checkpoints.reduce((a, c) => a + c.bytes, 0);
      return { usage: est?.usage ?? 0, quota: est?.quota ?? 0, checkpointBytes, persisted: await isPersisted() };
    },
  };
  return api;
}

/** The longer of two metric lists of one run (live points may run ahead of the stored record). */
function longer<T>(a: T[] | undefined, b: T[]): T[] {
  return a && a.length > b.length ? a : b;
}

/** checkMergeParity's runs: [{method, models?: [{...}], params?: {...}}]; the engine checks the parameters. */
function validateParityRuns(runs: unknown): MergeParityRun[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!Array.isArray(runs) || runs.length === 0) throw new Error('runs must be a non-empty list of {method, models?, params?}');
  runs.forEach((r, i) => {
    if (!isObject(r) || typeof r.method !== 'string') throw new Error(`runs[${i}] must be {method, models?, params?} with a method id`);
    if (r.models !== undefined && (!Array.isArray(r.models) || !r.models.every(isObject))) throw new Error(`runs[${i}].models must be a list of parameter objects, one per expert`);
    if (r.params !== undefined && !isObject(r.params)) throw new Error(`runs[${i}].params must be an object of global parameters`);
  });
  return runs as MergeParityRun[];
}
