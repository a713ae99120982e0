// Training runs seen from the main thread: starts a run in the engine, appends its metric
// batches to the store, saves resumable snapshots and, at the end, the result checkpoint. Saves
// of one run happen strictly in order, so a finished run never races its last snapshot.
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
}

export class RunManager {
  private active = new Map<string, ActiveRun>();

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

  /** Continues an interrupted run from its last snapshot (or from its start if it has none). */
  async resume(runId: string): Promise<RunHandle> {
    if (this.active.has(runId)) throw new Error(`run ${runId} is running already`);
    const record = await this.s.runs.get(runId);
    if (!record) throw new Error(`no run with id ${runId}; see studio.runs.list()`);
    if (record.status !== 'interrupted') throw new Error(`run ${runId} is ${record.status}; only interrupted runs can continue`);
    const from = useStudio.getState().checkpoints.find((c) => c.id === record.settings.from);
    if (!from) throw new Error(`run ${runId} started from checkpoint ${record.settings.from}, which was deleted`);
    const snapshotStep = record.snapshot?.step ?? 0;
    // Records from before a setting existed get its default.
    const settings: TrainSettings = { ...record.settings, evalSuites: record.settings.evalSuites ?? [], evalPairs: record.settings.evalPairs ?? 256 };
    // Without a snapshot the run starts again at step 0, which it evaluates again: keep nothing.
    const trimmed: RunRecord = { ...record, settings, status: 'running', metrics: record.snapshot ? record.metrics.filter((m) => m.step <= snapshotStep) : [] };
    return this.launch(trimmed, from, record.snapshot ? await this.s.runs.snapshotBytes(record) : undefined);
  }

  private launch(record: RunRecord, from: CheckpointManifest, snapshot: Uint8Array | undefined): RunHandle {
    let resolve!: (id: string) => void;
    let reject!: (e: Error) => void;
    const done = new Promise<string>((res, rej) => ((resolve = res), (reject = rej)));
    const run: ActiveRun = { record, chain: Promise.resolve(), resolve, reject };
    this.active.set(record.id, run);
    this.show(record, record.metrics.slice());
    useStudio.setState({ activeRunId: record.id });
    const id = record.id;
    run.chain = (async () => {
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
        view.metrics.push(...e.points); // appended in place; `version` tells subscribers
        useStudio.setState((s) => ({ runs: { ...s.runs, [e.runId]: { ...view, version: view.version + 1 } } }));
        // Evaluation points are saved as they come, so a curve survives a reload.
        if (e.points.some((p) => p.valid || p.pairs)) {
          this.enqueue(run, async () => {
            run.record = { ...run.record, metrics: view.metrics.slice() };
            await this.s.runs.put(run.record);
          });
        }
        return;
      }
      case 'trainStatus':
        this.setStatus(e.runId, e.status);
        run.record = { ...run.record, status: e.status };
        return;
      case 'trainCheckpoint':
        this.enqueue(run, async () => {
          const metrics = useStudio.getState().runs[e.runId]?.metrics ?? [];
          run.record = await this.s.runs.saveSnapshot({ ...run.record, metrics: metrics.slice() }, { step: e.step, tokens: e.tokens, elapsed: e.elapsed, state: new Uint8Array(e.state) });
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

  private async finish(run: ActiveRun, e: Extract<TrainEvent, { type: 'trainFinished' }>): Promise<void> {
    const s = run.record.settings;
    const from = await this.s.checkpoints.get(s.from);
    if (!from) throw new Error(`the run's starting checkpoint ${s.from} was deleted while it trained`);
    const metrics = (useStudio.getState().runs[run.record.id]?.metrics ?? []).slice();
    const id = newId('ckpt');
    const manifest = await this.s.checkpoints.save(
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
    run.record = await this.s.runs.finish({ ...run.record, metrics }, { status: e.status, resultId: manifest.id });
    this.active.delete(run.record.id);
    this.setStatus(run.record.id, e.status);
    useStudio.setState((st) => ({ checkpoints: [manifest, ...st.checkpoints] }));
    run.resolve(manifest.id);
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
    run.reject(new Error(error));
  }
}
