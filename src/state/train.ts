// The train feature's actions: start a run, list, continue, control, save again and delete runs;
// at start-up, the stored runs listed with the ones cut off marked interrupted; and the runs of
// other tabs followed live (a run belongs to the tab holding its lock, see RunManager).
import type { MetricPoint } from '../core/train/settings';
import type { RunRecord } from '../storage/runs';
import { runLock } from '../storage/tabs';
import type { Services } from './services';
import { type RunView, useStudio } from './store';
import { sweepTokenizers } from './tokenizerFiles';
import type { RunHandle, RunManager } from './training';

export interface TrainActions {
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
}

export interface TrainInternals {
  /** Lists the stored runs into the store, then (best effort) marks stale ones and sweeps orphans. */
  loadRuns(): Promise<void>;
  /** Another tab wrote a run's record. */
  runChangedElsewhere(runId: string): Promise<void>;
  /** Another tab's live metric points of a run it trains. */
  runPointsElsewhere(runId: string, points: MetricPoint[]): void;
}

/** The longer of two metric lists of one run (live points may run ahead of the stored record). */
function longer<T>(a: T[] | undefined, b: T[]): T[] {
  return a && a.length > b.length ? a : b;
}

const isLive = (r: RunRecord): boolean => r.status === 'running' || r.status === 'paused';

export function createTrainActions(s: Services, runs: RunManager): TrainActions & TrainInternals {
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
    const record: RunRecord = isLive(r) ? { ...r, status: 'interrupted' } : r;
    if (record !== r) await s.runs.put(record).catch(() => undefined); // shown as interrupted even if the disk is full
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

  return {
    async loadRuns() {
      // A run still marked running or paused whose lock no tab holds was cut off by a reload or a
      // crash: it is interrupted, and its curve keeps every saved point (continuing it trims the
      // points after its snapshot, which it recomputes). One whose lock another tab holds is live
      // there: shown from that tab's broadcasts, and taken over when that tab is gone.
      const records = await s.runs.list();
      const held = await s.tabs.held();
      const views: Record<string, RunView> = {};
      const stale: string[] = [];
      for (const r of records) {
        const elsewhere = isLive(r) && held.has(runLock(r.id));
        if (isLive(r) && !elsewhere) stale.push(r.id);
        views[r.id] = { record: r, status: isLive(r) && !elsewhere ? 'interrupted' : r.status, metrics: r.metrics, version: 1, ...(elsewhere ? { elsewhere: true } : {}) };
        if (elsewhere) watchRunElsewhere(r.id);
      }
      useStudio.setState({ runs: views });
      // Writes come after everything is listed, and none of them may stop the start-up: under a
      // full quota the studio still opens with every run, checkpoint and experiment.
      for (const id of stale) await markInterrupted(id).catch(() => undefined);
      await s.checkpoints.sweepOrphans(() => s.runs.liveBlobKeys(), () => sweepTokenizers(s)).catch(() => undefined);
    },

    async runChangedElsewhere(runId) {
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
      const elsewhere = isLive(r) && (await s.tabs.held()).has(runLock(runId));
      if (elsewhere) watchRunElsewhere(runId);
      useStudio.setState((st) => {
        const v = st.runs[runId];
        return { runs: { ...st.runs, [runId]: { record: r, status: isLive(r) && !elsewhere ? 'interrupted' : r.status, metrics: longer(v?.metrics, r.metrics), version: (v?.version ?? 0) + 1, ...(elsewhere ? { elsewhere: true } : {}), ...(v?.unsavedResult && r.status === 'interrupted' ? { unsavedResult: true } : {}) } } };
      });
    },

    runPointsElsewhere(runId, points) {
      const v = useStudio.getState().runs[runId];
      if (!v?.elsewhere) return;
      for (const p of points) if (!v.metrics.length || p.step > v.metrics[v.metrics.length - 1].step) v.metrics.push(p);
      useStudio.setState((st) => ({ runs: { ...st.runs, [runId]: { ...v, version: v.version + 1 } } }));
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
  };
}
