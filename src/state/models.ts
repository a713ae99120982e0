// The models feature's actions: model presets and createModel, the checkpoint list (get, rename,
// delete, refused while a run or a running experiment in any tab needs the checkpoint), and what
// a model says about text (scores, validation loss, token ids), plus the storage figures.
import type { CheckpointManifest } from '../core/checkpoint/manifest';
import { newId } from '../core/checkpoint/manifest';
import { encodeSafetensors } from '../core/checkpoint/safetensors';
import { isStorageDtype, STORAGE_DTYPES, type StorageDtype } from '../core/checkpoint/storageDtype';
import { MODEL_PRESETS, type ModelPreset, validateConfig } from '../core/model/config';
import { initialWeights, INIT_SEED } from '../core/model/init';
import { checkSetting } from '../core/params';
import { checkFitsDevice, countParameters } from '../core/model/weights';
import { ByteTokenizer } from '../core/tokenizer/byte';
import { generationOptions, type GenerationResult, type GenerationStep } from '../core/model/generate';
import { experimentLock, runLock } from '../storage/tabs';
import { storageEstimate } from '../storage/kv';
import type { CorpusInternals } from './corpora';
import { currentDeviceLimits } from './deviceLimits';
import { isPersisted } from './persistence';
import type { EngineCache, Services } from './services';
import { useStudio } from './store';
import { freeTokenizerIfUnused } from './tokenizerFiles';
import type { RunManager } from './training';

export interface ModelActions {
  presets(): ModelPreset[];
  createModel(options: { name: string; config: unknown; seed?: number }): Promise<string>;
  checkpoints: {
    list(): Promise<CheckpointManifest[]>;
    get(id: string): Promise<CheckpointManifest>;
    delete(id: string): Promise<void>;
    rename(id: string, name: string): Promise<CheckpointManifest>;
    /**
     * The dtype new checkpoints (created, trained, adapted, grown, merged, imported) are stored
     * in: 'F32' (default, exact), 'BF16' or 'F16' (half the bytes; the manifest's `storage` records
     * the rounding). With an argument, sets it (kept across visits) and returns it.
     */
    storageDtype(dtype?: StorageDtype): StorageDtype;
  };
  scoreTexts(id: string, texts: string[]): Promise<number[]>;
  validationLoss(id: string, corpus: string, options?: { seqLen?: number; maxTokens?: number }): Promise<number>;
  tokenize(id: string, text: string): Promise<number[]>;
  /**
   * Text the model writes after `prompt` (options: maxTokens, temperature, topK, topP, seed, stop;
   * core/model/generate.ts): deterministic for a seed; stoppedBy says which limit ended it.
   * `stream.onToken` sees each token as the engine produces it; aborting `stream.signal` ends the
   * generation before its next token and resolves with the text so far (stoppedBy 'stopped').
   */
  generate(id: string, prompt: string, options?: unknown, stream?: GenerateStream): Promise<GenerationResult>;
  /** Browser storage used and allowed, the checkpoints' bytes, and whether the browser keeps the storage under pressure (persisted). */
  storage(): Promise<{ usage: number; quota: number; checkpointBytes: number; persisted: boolean }>;
}

/** How a caller follows one generation as it happens (studio.generate's fourth argument). */
export interface GenerateStream {
  /** Called for every new token with the generated text so far; the last call's text is the result's. */
  onToken?: (step: GenerationStep) => void;
  /** Aborting it stops the generation before its next token. */
  signal?: AbortSignal;
}

export interface ModelInternals {
  /** Lists the checkpoints (and damaged manifests) into the store, then the storage estimate. */
  refreshCheckpoints(): Promise<void>;
  /** The stored manifest with this id, or a refusal naming where the ids are. */
  manifest(id: unknown): Promise<CheckpointManifest>;
}

/** Validation-loss defaults: long enough windows to be meaningful, few enough to be quick. */
const DEFAULT_EVAL_SEQ = 128;
const DEFAULT_EVAL_TOKENS = 4096;

/** Where the checkpoint storage dtype setting is kept (localStorage), so a reload keeps it. */
const STORAGE_DTYPE_KEY = 'gums-checkpoint-storage-dtype';

export function createModelActions(s: Services, cache: EngineCache, runs: RunManager, corpora: Pick<CorpusInternals, 'corpusInfo'>, ready: () => Promise<void>): ModelActions & ModelInternals {
  const savedDtype = globalThis.localStorage?.getItem(STORAGE_DTYPE_KEY);
  if (isStorageDtype(savedDtype)) s.checkpoints.storeAs = savedDtype;
  async function refreshStorageEstimate(): Promise<void> {
    const est = await storageEstimate();
    if (est) useStudio.setState({ storage: est });
  }

  async function refreshCheckpoints(): Promise<void> {
    const { checkpoints, damaged } = await s.checkpoints.list();
    useStudio.setState({ checkpoints, damaged });
    await refreshStorageEstimate();
  }

  async function manifest(id: unknown): Promise<CheckpointManifest> {
    if (typeof id !== 'string') throw new Error(`id must be a checkpoint id string, got ${JSON.stringify(id)}`);
    const m = await s.checkpoints.get(id);
    if (!m) throw new Error(`no checkpoint with id ${id}; see studio.checkpoints.list()`);
    return m;
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

  return {
    refreshCheckpoints,
    manifest,
    presets: () => MODEL_PRESETS,
    async createModel(options) {
      await ready();
      if (typeof options !== 'object' || options === null) throw new Error('createModel needs {name, config, seed?}');
      const { name, seed = 0 } = options;
      if (typeof name !== 'string' || !name.trim()) throw new Error('name must be a non-empty string');
      checkSetting(INIT_SEED, seed, {});
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
    checkpoints: {
      async list() {
        await ready();
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
      storageDtype(dtype) {
        if (dtype === undefined) return s.checkpoints.storeAs;
        if (!isStorageDtype(dtype)) throw new Error(`storage dtype must be one of ${STORAGE_DTYPES.join(', ')}, got ${JSON.stringify(dtype)}`);
        s.checkpoints.storeAs = dtype;
        globalThis.localStorage?.setItem(STORAGE_DTYPE_KEY, dtype);
        return dtype;
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
      const info = corpora.corpusInfo(corpus);
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
    async generate(id, prompt, options = {}, stream = {}) {
      const m = await manifest(id);
      if (typeof prompt !== 'string') throw new Error(`prompt must be a string, got ${JSON.stringify(prompt)}`);
      // Checked here too, so a bad option is refused before the model is loaded.
      generationOptions(m.config, options);
      const { onToken, signal } = stream;
      if (onToken !== undefined && typeof onToken !== 'function') throw new Error('onToken must be a function');
      await cache.ensureModel(m.id);
      if (!onToken && !signal) return s.engine.call('generate', { modelId: m.id, prompt, options });
      const jobId = newId('generate');
      const off = onToken ? s.engine.onGeneratedToken(jobId, onToken) : () => {};
      const stop = () => void s.engine.call('stopGeneration', { jobId });
      if (signal?.aborted) stop();
      else signal?.addEventListener('abort', stop, { once: true });
      try {
        return await s.engine.call('generate', { modelId: m.id, prompt, options, jobId });
      } finally {
        off();
        signal?.removeEventListener('abort', stop);
      }
    },
    async storage() {
      const est = await storageEstimate();
      const checkpointBytes = useStudio.getState().checkpoints.reduce((a, c) => a + c.bytes, 0);
      return { usage: est?.usage ?? 0, quota: est?.quota ?? 0, checkpointBytes, persisted: await isPersisted() };
    },
  };
}
