// The main thread's long-lived services: the engine worker client and the IndexedDB stores,
// plus the caches that decide which models and corpora the engine holds. Actions use these;
// components never touch them.
import type { CorpusInfo } from '../core/data/corpusSplit';
import type { CheckpointManifest } from '../core/checkpoint/manifest';
import { CheckpointStore } from '../storage/checkpoints';
import { UserCorpusStore } from '../storage/corpora';
import { idbStore, type KeyValueStore, type StorageFacts, storageEstimate, type WriteGuard } from '../storage/kv';
import { browserTabs, type TabCoordination, type TabMessage } from '../storage/tabs';
import { RunStore } from '../storage/runs';
import { EvaluationStore, SuiteStore } from '../storage/suites';
import { TokenizerStore } from '../storage/tokenizers';
import { ExperimentStore } from '../storage/experiments';
import type { TokenizerSpec } from '../core/tokenizer/tokenizer';
import type { HfTokenizerFiles } from '../core/tokenizer/hf';
import { EngineClient } from '../worker/client';
import { probeTokenizer } from '../worker/tokenizerProbe';
import { checkStoredTokenizer } from './tokenizerFiles';

export interface Services {
  engine: EngineClient;
  checkpoints: CheckpointStore;
  runs: RunStore;
  userCorpora: UserCorpusStore;
  suites: SuiteStore;
  evaluations: EvaluationStore;
  tokenizers: TokenizerStore;
  experiments: ExperimentStore;
  /** Locks and messages shared with the studio's other tabs on this profile. */
  tabs: TabCoordination;
}

export function createServices(): Services {
  const tabs = browserTabs();
  const estimate: StorageFacts['estimate'] = storageEstimate;
  // The checkpoint store makes its own quota messages (it knows the checkpoint's name); the
  // record stores name what they hold, and every quota message lists the largest checkpoints.
  const checkpoints: CheckpointStore = new CheckpointStore(announced(idbStore<CheckpointManifest>('manifests'), tabs, () => ({ type: 'changed', what: 'checkpoints' })), idbStore('tensors'), tabs, { estimate, largest: () => checkpoints.largest() });
  const facts: StorageFacts = { estimate, largest: () => checkpoints.largest() };
  const guard = <V>(describe: (value: V) => string): WriteGuard<V> => ({ describe: (_k, v) => describe(v), facts });
  const changed = (what: Extract<TabMessage, { type: 'changed' }>['what']) => () => ({ type: 'changed', what }) as const;
  return {
    engine: EngineClient.start(),
    checkpoints,
    runs: new RunStore(announced(idbStore('runs', guard((r) => `the record of run "${r.settings?.name ?? r.id}"`)), tabs, (runId) => ({ type: 'run', runId })), checkpoints),
    userCorpora: new UserCorpusStore(announced(idbStore('corpora', guard((c) => `corpus "${c.name}"`)), tabs, changed('corpora'))),
    suites: new SuiteStore(announced(idbStore('suites', guard((x) => `suite "${x.name}"`)), tabs, changed('suites'))),
    evaluations: new EvaluationStore(announced(idbStore('evaluations', guard((e) => `the evaluation of ${e.checkpoints.map((c) => `"${c.name}"`).join(', ')}`)), tabs, changed('evaluations'))),
    tokenizers: new TokenizerStore(idbStore('tokenizers', guard(() => 'the tokenizer files'))),
    experiments: new ExperimentStore(announced(idbStore('experiments', guard((x) => `experiment "${x.name}"`)), tabs, (id) => ({ type: 'experiment', id }))),
    tabs,
  };
}

/** A store whose every completed write or delete is announced to the other tabs. */
function announced<V>(kv: KeyValueStore<V>, tabs: TabCoordination, message: (key: string) => TabMessage): KeyValueStore<V> {
  return {
    ...kv,
    set: async (k, v) => {
      await kv.set(k, v);
      tabs.post(message(k));
    },
    del: async (k) => {
      await kv.del(k);
      tabs.post(message(k));
    },
  };
}

/** A transferable copy-free buffer of exactly the bytes of `view`. */
export function ownBuffer(view: Uint8Array): ArrayBuffer {
  if (view.byteOffset === 0 && view.byteLength === view.buffer.byteLength) return view.buffer as ArrayBuffer;
  return view.slice().buffer as ArrayBuffer;
}

/** Models held by the engine, least recently used first; a few fit, the oldest is unloaded. */
const MAX_LOADED_MODELS = 3;

export class EngineCache {
  private models: string[] = [];
  private loadingModels = new Map<string, Promise<void>>();
  private corpora = new Map<string, Promise<boolean>>();
  private tokenizers = new Map<string, Promise<void>>();

  constructor(private readonly s: Services) {}

  ensureModel(id: string): Promise<void> {
    const i = this.models.indexOf(id);
    if (i >= 0) {
      this.models.splice(i, 1);
      this.models.push(id);
      return Promise.resolve();
    }
    let p = this.loadingModels.get(id);
    if (!p) {
      p = (async () => {
        const m = await this.s.checkpoints.get(id);
        if (!m) throw new Error(`no checkpoint with id ${id}; see studio.checkpoints.list()`);
        await this.ensureTokenizer(m.tokenizer);
        const stored = await this.s.checkpoints.tensorBlob(id);
        const tensors = stored instanceof Blob ? stored : new Blob([stored as Uint8Array<ArrayBuffer>]);
        await this.s.engine.call('loadModel', { modelId: id, config: m.config, tokenizer: m.tokenizer, tensors });
        this.models.push(id);
        while (this.models.length > MAX_LOADED_MODELS) await this.unloadModel(this.models[0]);
      })().finally(() => this.loadingModels.delete(id));
      this.loadingModels.set(id, p);
    }
    return p;
  }

  /**
   * Hands an imported tokenizer's files to the engine once (the byte tokenizer is built in): the
   * stored ones, probed first (see checkStoredTokenizer), or `given` (an import's, probed by the
   * import and not stored until its weights are in).
   */
  async ensureTokenizer(spec: TokenizerSpec, given?: HfTokenizerFiles): Promise<void> {
    if (spec.kind === 'byte') return;
    let p = this.tokenizers.get(spec.id);
    if (!p) {
      p = (async () => {
        const files = given ?? (await this.s.tokenizers.get(spec.id));
        if (!files) throw new Error(`the files of tokenizer ${spec.id.slice(0, 12)}… (${spec.description}) are missing from storage; import the model again`);
        if (!given) await checkStoredTokenizer(spec, files, probeTokenizer);
        await this.s.engine.call('loadTokenizer', { spec, files: { tokenizer: files.tokenizer, config: files.config } });
      })();
      p.catch(() => this.tokenizers.delete(spec.id));
      this.tokenizers.set(spec.id, p);
    }
    await p;
  }

  /** Records a model the engine created itself (a grown model), so it is not loaded again. */
  adopt(id: string): void {
    if (!this.models.includes(id)) this.models.push(id);
    while (this.models.length > MAX_LOADED_MODELS) void this.unloadModel(this.models[0]);
  }

  /** The engine dropped its models (a backend switch); they load again on next use. */
  forgetModels(): void {
    this.models = [];
  }

  async unloadModel(id: string): Promise<void> {
    this.models = this.models.filter((m) => m !== id);
    await this.s.engine.call('unloadModel', { modelId: id });
  }

  /** Hands a corpus's validation text (and training text when `withTrain`) to the engine once. */
  async ensureCorpus(info: CorpusInfo, withTrain: boolean): Promise<void> {
    const loaded = this.corpora.get(info.id);
    if (loaded && (!withTrain || (await loaded.catch(() => false)))) return void (await loaded);
    const p = (async () => {
      const { train, valid } = await this.corpusText(info, withTrain);
      const enc = new TextEncoder();
      const validBuf = ownBuffer(enc.encode(valid));
      const trainBuf = train === undefined ? undefined : ownBuffer(enc.encode(train));
      await this.s.engine.call('loadCorpus', { corpusId: info.id, valid: validBuf, train: trainBuf }, trainBuf ? [validBuf, trainBuf] : [validBuf]);
      return withTrain;
    })();
    p.catch(() => this.corpora.delete(info.id));
    this.corpora.set(info.id, p);
    await p;
  }

  private corpusText(info: CorpusInfo, withTrain: boolean): Promise<{ train?: string; valid: string }> {
    return readCorpusText(this.s, info, withTrain);
  }
}

/** A corpus's validation text (and training text when `withTrain`): the user's from storage, an embedded one from its file. */
export async function readCorpusText(s: Services, info: Pick<CorpusInfo, 'id' | 'source'>, withTrain: boolean): Promise<{ train?: string; valid: string }> {
  if (info.source === 'user') {
    const c = await s.userCorpora.get(info.id);
    if (!c) throw new Error(`corpus ${info.id} is missing from storage`);
    return { train: withTrain ? c.train : undefined, valid: c.valid };
  }
  const fetchText = async (split: 'train' | 'valid') => {
    const url = `${import.meta.env.BASE_URL}corpora/${info.id}.${split}.txt`;
    const res = await fetch(url);
    if (!res.ok) throw new Error(`could not read the embedded corpus file ${url} (${res.status}); run the data build step (npm run build:data)`);
    return res.text();
  };
  return { valid: await fetchText('valid'), train: withTrain ? await fetchText('train') : undefined };
}
