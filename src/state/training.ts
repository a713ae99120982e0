// Training runs seen from the main thread: starts a run in the engine, appends its metric
// batches to the store, saves resumable snapshots and, at the end, the result checkpoint. Saves
// of one run happen strictly in order, so a finished run never races its last snapshot. A run
// belongs to the tab that holds its lock (runLock) from before its record says "running" until
// it ends; other tabs show it live from broadcasts and take it over only when that tab is gone.
import type { CheckpointManifest } from '../core/checkpoint/manifest';
import { newId } from '../core/checkpoint/manifest';
import type { MetricPoint, TrainSettings } from '../core/train/settings';
import { validateTrainSettings } from '../core/train/settings';
import { defaultRule } from '../core/eval/minimalPairs';
import type { RunRecord, RunStatus } from '../storage/runs';
import type { TrainEvent } from '../worker/protocol';
import type { EngineCache, Services } from './services';
import { ownBuffer } from './services';
import type { SuiteLibrary } from './suiteLibrary';
import { notify, useStudio } from './store';
import { type Release, runLock } from '../storage/tabs';
import { StorageFullError } from '../storage/kv';

export interface RunHandle {
  id: string;
  /** Resolves to the id of the checkpoint saved at the end (also after stop()). */
  done: Promise<string>;
  /** Every metric point so far, in step order; evaluation points carry `valid`. */
  metrics(): MetricPoint[];
  status(): RunStatus;
  pause(): void;
  resume(): void;
  stop(): void;
}

interface ActiveRun {
  record: RunRecord;
  chain: Promise<unknown>;
  resolve: (id: string) => void;
  reject: (e: Error) => void;
  /** Frees the run's tab lock; set once the lock is held. */
  release?: Release;
  /** Snapshots skipped for want of space, so the notice is given once. */
  snapshotsSkipped?: number;
}

/** A run's final weights that did not fit, kept while the page lives so they can be saved again. */
type UnsavedResult = Extract<TrainEvent, { type: 'trainFinished' }>;

export class RunManager {
  private active = new Map<string, ActiveRun>();
  private unsaved = new Map<string, UnsavedResult>();

  constructor(private readonly s: Services, private readonly cache: EngineCache, private readonly suites: SuiteLibrary) {
    s.engine.onTrainEvent((e) => this.onEvent(e));
  }

  /** Checks options against the current corpora and checkpoints; throws naming the bad argument. */
  validate(options: unknown): { settings: TrainSettings; from: CheckpointManifest } {
    const st = useStudio.getState();
    const fromId = (options as { from?: unknown })?.from;
    const from = st.checkpoints.find((c) => c.id === fromId);
    if (!from) throw new Error(`from ${JSON.stringify(fromId)} is not a checkpoint id; see studio.checkpoints.list()`);
    const settings = validateTrainSettings(options, { corpusIds: st.corpora.map((c) => c.id), suiteIds: st.suites.map((x) => x.id), maxPositionEmbeddings: from.config.max_position_embeddings });
    return { settings, from };
  }

  start(options: unknown): RunHandle {
    const { settings, from } = this.validate(options);
    return this.startSettings(settings, from);
  }

  /** Starts a run from settings already validated (adapt builds its own). */
  startSettings(settings: TrainSettings, from: CheckpointManifest): RunHandle {
    const record: RunRecord = { id: newId('run'), createdAt: new Date().toISOString(), settings: { ...settings, name: settings.name || `${from.name} +${settings.steps} steps` }, status: 'running', metrics: [] };
    return this.launch(record, from, undefined);
  }

  /**
   * Continues an interrupted run from its last snapshot (or from its start if it has none). A run
   * whose record names a result that exists finished before a crash marked it: it is marked
   * finished now, not trained and saved a second time.
   */
  async resume(runId: string): Promise<RunHandle> {
    if (this.active.has(runId)) throw new Error(`run ${runId} is running already`);
    const release = await this.s.tabs.tryHold(runLock(runId));
    if (!release) throw new Error(`run ${runId} is running in another tab of the studio; continue it there, or close that tab first`);
    try {
      const record = await this.s.runs.get(runId);
      if (!record) throw new Error(`no run with id ${runId}; see studio.runs.list()`);
      // Holding the lock, a record still saying running or paused was cut off in some tab.
      if (record.status !== 'interrupted' && record.status !== 'running' && record.status !== 'paused') throw new Error(`run ${runId} is ${record.status}; only interrupted runs can continue`);
      const result = record.resultId ? await this.s.checkpoints.get(record.resultId) : undefined;
      if (result) {
        const done = await this.s.runs.finish(record, { status: result.training?.status ?? 'completed', error: undefined });
        this.show(done, done.metrics.slice());
        release();
        return this.settledHandle(done, result.id);
      }
      const from = useStudio.getState().checkpoints.find((c) => c.id === record.settings.from);
      if (!from) throw new Error(`run ${runId} started from checkpoint ${record.settings.from}, which was deleted`);
      const snapshotStep = record.snapshot?.step ?? 0;
      // Records from before a setting existed get its default.
      const settings: TrainSettings = { ...record.settings, evalSuites: record.settings.evalSuites ?? [], evalPairs: record.settings.evalPairs ?? 256 };
      // Without a snapshot the run starts again at step 0, which it evaluates again: keep nothing.
      const trimmed: RunRecord = { ...record, settings, status: 'running', error: undefined, metrics: record.snapshot ? record.metrics.filter((m) => m.step <= snapshotStep) : [] };
      this.unsaved.delete(runId);
      return this.launch(trimmed, from, record.snapshot ? await this.s.runs.snapshotBytes(record) : undefined, release);
    } catch (e) {
      if (!this.active.has(runId)) release();
      throw e;
    }
  }

  /** A handle for a run that is already over. */
  private settledHandle(record: RunRecord, resultId: string): RunHandle {
    const id = record.id;
    return {
      id, done: Promise.resolve(resultId),
      metrics: () => useStudio.getState().runs[id]?.metrics ?? record.metrics,
      status: () => useStudio.getState().runs[id]?.status ?? record.status,
      pause: () => undefined, resume: () => undefined, stop: () => undefined,
    };
  }

  /**
   * Saves again the result of a run of this page whose final save did not fit (after the user
   * freed space); resolves to the checkpoint id. After a reload the weights are gone and the run
   * continues from its snapshot instead.
   */
  async saveResult(runId: string): Promise<string> {
    const e = this.unsaved.get(runId);
    if (!e) throw new Error(`run ${runId} has no unsaved result in this page${(await this.s.runs.get(runId))?.status === 'interrupted' ? '; continue it from its snapshot instead' : ''}`);
    if (this.active.has(runId)) throw new Error(`run ${runId} is running already`);
    const release = await this.s.tabs.tryHold(runLock(runId));
    if (!release) throw new Error(`run ${runId} is running in another tab of the studio`);
    const record = await this.s.runs.get(runId);
    // Holding the lock: running or paused means the failed final save could not even mark it.
    if (!record || (record.status !== 'interrupted' && record.status !== 'running' && record.status !== 'paused')) {
      release();
      this.unsaved.delete(runId);
      throw new Error(record ? `run ${runId} is ${record.status} (another tab continued it); nothing to save` : `no run with id ${runId}; see studio.runs.list()`);
    }
    let resolve!: (id: string) => void;
    let reject!: (e: Error) => void;
    const done = new Promise<string>((res, rej) => ((resolve = res), (reject = rej)));
    const run: ActiveRun = { record: { ...record, status: 'running' }, chain: Promise.resolve(), resolve, reject, release };
    this.active.set(runId, run);
    this.setStatus(runId, 'running');
    await this.finish(run, e).catch((err: Error) => this.fail(runId, err.message));
    return done;
  }

  private launch(record: RunRecord, from: CheckpointManifest, snapshot: Uint8Array | undefined, release?: Release): RunHandle {
    let resolve!: (id: string) => void;
    let reject!: (e: Error) => void;
    const done = new Promise<string>((res, rej) => ((resolve = res), (reject = rej)));
    const run: ActiveRun = { record, chain: Promise.resolve(), resolve, reject, release };
    const requested = performance.now(); // the run's wall clock starts here, before loading
    this.active.set(record.id, run);
    this.show(record, record.metrics.slice());
    useStudio.setState({ activeRunId: record.id });
    const id = record.id;
    run.chain = (async () => {
      // The lock before the record says running: a tab that sees "running" without a holder
      // knows the run's tab is gone.
      run.release ??= await this.s.tabs.tryHold(runLock(id));
      if (!run.release) throw new Error(`run ${id} is held by another tab`);
      await this.s.runs.put(record);
      const st = useStudio.getState();
      const corpusInfo = (cid: string) => st.corpora.find((c) => c.id === cid)!;
      await this.cache.ensureModel(from.id);
      for (const d of record.settings.data) await this.cache.ensureCorpus(corpusInfo(d.corpus), true);
      for (const w of record.settings.watch) await this.cache.ensureCorpus(corpusInfo(w), false);
      for (const id of record.settings.evalSuites ?? []) {
        const info = this.suites.byId(id);
        await this.s.engine.call('loadSuite', { suiteId: id, pairs: await this.suites.pairs(info), rule: defaultRule(info.source) });
      }
      const state = snapshot ? ownBuffer(snapshot) : undefined;
      await this.s.engine.call(
        'train',
        {
          runId: id,
          modelId: from.id,
          settings: record.settings,
          trainable: from.trainable,
          resume: state && record.snapshot ? { state, step: record.snapshot.step, tokens: record.snapshot.tokens, elapsed: record.snapshot.elapsed } : undefined,
          loadSeconds: (performance.now() - requested) / 1000,
        },
        state ? [state] : [],
      );
    })().catch((e: Error) => this.fail(id, e.message));
    return {
      id,
      done,
      metrics: () => useStudio.getState().runs[id]?.metrics ?? [],
      status: () => useStudio.getState().runs[id]?.status ?? 'running',
      pause: () => void this.control(id, 'pause'),
      resume: () => void this.control(id, 'resume'),
      stop: () => void this.control(id, 'stop'),
    };
  }

  async control(runId: string, action: 'pause' | 'resume' | 'stop'): Promise<void> {
    const run = this.active.get(runId);
    if (!run) throw new Error(`run ${runId} is not running`);
    // Wait until the engine has accepted the run, so an early stop() is not lost.
    await run.chain;
    if (!this.active.has(runId)) return;
    await this.s.engine.call('control', { runId, action }).catch((e: Error) => notify('error', e.message));
  }

  private show(record: RunRecord, metrics: MetricPoint[], status: RunStatus = record.status): void {
    useStudio.setState((s) => ({ runs: { ...s.runs, [record.id]: { record, status, metrics, version: (s.runs[record.id]?.version ?? 0) + 1 } } }));
  }

  private setStatus(runId: string, status: RunStatus): void {
    useStudio.setState((s) => {
      const v = s.runs[runId];
      return v ? { runs: { ...s.runs, [runId]: { ...v, status, version: v.version + 1 } } } : {};
    });
  }

  private onEvent(e: TrainEvent): void {
    const run = this.active.get(e.runId);
    if (!run) return;
    switch (e.type) {
      case 'trainMetrics': {
        const view = useStudio.getState().runs[e.runId];
        if (!view) return;
        for (const p of e.points) view.metrics.push(p); // appended in place; `version` tells subscribers
        useStudio.setState((s) => ({ runs: { ...s.runs, [e.runId]: { ...view, version: view.version + 1 } } }));
        this.s.tabs.post({ type: 'runPoints', runId: e.runId, points: e.points });
        // Evaluation points are saved as they come, so a curve survives a reload.
        if (e.points.some((p) => p.valid || p.pairs)) {
          this.enqueue(run, async () => {
            run.record = { ...run.record, metrics: view.metrics.slice() };
            await this.s.runs.put(run.record).catch((err) => this.keepGoing(run, err, 'its curve so far'));
          });
        }
        return;
      }
      case 'trainStatus':
        this.setStatus(e.runId, e.status);
        run.record = { ...run.record, status: e.status };
        this.enqueue(run, async () => {
          await this.s.runs.put(run.record).catch((err) => this.keepGoing(run, err, 'its status'));
        });
        return;
      case 'trainCheckpoint':
        this.enqueue(run, async () => {
          const metrics = useStudio.getState().runs[e.runId]?.metrics ?? [];
          try {
            run.record = await this.s.runs.saveSnapshot({ ...run.record, metrics: metrics.slice() }, { step: e.step, tokens: e.tokens, elapsed: e.elapsed, state: new Uint8Array(e.state) });
          } catch (err) {
            this.keepGoing(run, err, `the snapshot at step ${e.step}`);
          }
        });
        return;
      case 'trainFinished':
        this.enqueue(run, () => this.finish(run, e));
        return;
      case 'trainFailed':
        this.enqueue(run, async () => this.fail(e.runId, e.error));
        return;
      default: {
        const never: never = e;
        throw new Error(`unhandled engine event ${JSON.stringify(never)}`);
      }
    }
  }

  private enqueue(run: ActiveRun, job: () => Promise<void>): void {
    run.chain = run.chain.then(job).catch((err: Error) => this.fail(run.record.id, err.message));
  }

  /**
   * A write during a run that the quota refused: the run trains on (its weights live in the
   * engine) and keeps its last snapshot; one notice says what was not kept. Other errors fail it.
   */
  private keepGoing(run: ActiveRun, err: unknown, what: string): void {
    if (!(err instanceof StorageFullError)) throw err;
    if ((run.snapshotsSkipped = (run.snapshotsSkipped ?? 0) + 1) > 1) return;
    const at = run.record.snapshot ? `its snapshot at step ${run.record.snapshot.step}` : 'no snapshot yet';
    notify('error', `Run "${run.record.settings.name}" trains on, but ${what} was not saved (it keeps ${at}): ${err.message}`);
  }

  private async finish(run: ActiveRun, e: UnsavedResult): Promise<void> {
    const s = run.record.settings;
    const from = await this.s.checkpoints.get(s.from);
    if (!from) throw new Error(`the run's starting checkpoint ${s.from} was deleted while it trained`);
    const metrics = (useStudio.getState().runs[run.record.id]?.metrics ?? []).slice();
    // The record names its result before the result exists: completion is idempotent (resume).
    const id = run.record.resultId ?? newId('ckpt');
    let manifest: CheckpointManifest;
    try {
      run.record = { ...run.record, resultId: id, metrics };
      await this.s.runs.put(run.record);
      manifest = await this.s.checkpoints.save(
      {
        formatVersion: 1,
        id,
        name: s.name,
        createdAt: new Date().toISOString(),
        config: from.config,
        tokenizer: from.tokenizer,
        parents: [from.id],
        origin: { method: 'train', params: { runId: run.record.id } },
        training: { runId: run.record.id, settings: s, steps: e.step, tokens: e.tokens, status: e.status, metrics },
        parameterCount: from.parameterCount,
        trainable: from.trainable,
      },
      new Uint8Array(e.params),
    );
    } catch (err) {
      if (!(err instanceof StorageFullError)) throw err;
      return this.finalSaveDidNotFit(run, e, err);
    }
    run.record = await this.s.runs.finish({ ...run.record, metrics }, { status: e.status, resultId: manifest.id });
    this.unsaved.delete(run.record.id);
    this.end(run);
    this.setStatus(run.record.id, e.status);
    useStudio.setState((st) => ({ checkpoints: [manifest, ...st.checkpoints] }));
    run.resolve(manifest.id);
  }

  /**
   * The final checkpoint did not fit: the run keeps its last snapshot and becomes interrupted
   * (resumable after a reload); while this page lives the weights are kept so saveResult()
   * stores them without training again.
   */
  private async finalSaveDidNotFit(run: ActiveRun, e: UnsavedResult, err: StorageFullError): Promise<void> {
    const runId = run.record.id;
    this.unsaved.set(runId, e);
    const snap = run.record.snapshot;
    const message = `The run's final checkpoint was not saved. ${err.message} Then press "Save again" on the run (studio.runs.saveResult("${runId}")) while this page is open; after a reload, Continue the run: it trains again from ${snap ? `its snapshot at step ${snap.step}` : 'step 0 (it has no snapshot)'} and saves.`;
    run.record = { ...run.record, status: 'interrupted', error: message, resultId: undefined };
    // Best effort: under a full quota the record may keep saying running, which the next
    // start-up reads as interrupted all the same.
    await this.s.runs.put(run.record).catch(() => undefined);
    this.end(run);
    this.show(run.record, useStudio.getState().runs[runId]?.metrics ?? run.record.metrics, 'interrupted');
    useStudio.setState((st) => ({ runs: { ...st.runs, [runId]: { ...st.runs[runId], unsavedResult: true } } }));
    notify('error', message);
    run.reject(new Error(message));
  }

  /** The run leaves this tab: its lock is freed and the other tabs told. */
  private end(run: ActiveRun): void {
    this.active.delete(run.record.id);
    run.release?.();
    run.release = undefined;
    this.s.tabs.post({ type: 'run', runId: run.record.id });
  }

  /** True while this tab trains the run. */
  isActive(runId: string): boolean {
    return this.active.has(runId);
  }

  private async fail(runId: string, error: string): Promise<void> {
    const run = this.active.get(runId);
    if (!run) return;
    this.active.delete(runId);
    this.setStatus(runId, 'failed');
    notify('error', `Training run failed: ${error}`);
    const metrics = (useStudio.getState().runs[runId]?.metrics ?? []).slice();
    // A failed run keeps its snapshot: it can be inspected, and the error names what to change.
    await this.s.runs.put({ ...run.record, status: 'failed', error, metrics }).catch(() => undefined);
    this.end(run);
    run.reject(new Error(error));
  }
}
