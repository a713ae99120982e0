// Training runs in IndexedDB: settings, status, metric history and, while a run is unfinished,
// a pointer to its latest resumable snapshot (parameters + optimizer moments) in the blob store.
// A new snapshot is written before the record points to it; the old one is deleted after.
import type { MetricPoint, TrainSettings } from '../core/train/settings';
import { bytesOf, type CheckpointStore } from './checkpoints';
import type { KeyValueStore } from './kv';

export type RunStatus = 'running' | 'paused' | 'interrupted' | 'completed' | 'stopped' | 'failed';

export interface RunRecord {
  id: string;
  createdAt: string;
  settings: TrainSettings;
  status: RunStatus;
  metrics: MetricPoint[];
  /** Latest resumable snapshot. */
  snapshot?: { step: number; tokens: number; elapsed: number; key: string };
  /**
   * Checkpoint saved at the end. Written before the checkpoint itself (status still running), so
   * a crash between the save and the status change leaves a run that names its result: resuming
   * it finishes the record instead of saving a second result.
   */
  resultId?: string;
  error?: string;
}

export class RunStore {
  constructor(
    private readonly records: KeyValueStore<RunRecord>,
    private readonly checkpoints: CheckpointStore,
  ) {}

  async list(): Promise<RunRecord[]> {
    return (await this.records.values()).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  get(id: string): Promise<RunRecord | undefined> {
    return this.records.get(id);
  }

  put(record: RunRecord): Promise<void> {
    return this.records.set(record.id, record);
  }

  /** Stores a snapshot, points the run at it with the metrics up to its step, drops the old one. */
  async saveSnapshot(record: RunRecord, snap: { step: number; tokens: number; elapsed: number; state: Uint8Array }): Promise<RunRecord> {
    const key = `run:${record.id}:${snap.step}`;
    const old = record.snapshot?.key;
    const next: RunRecord = { ...record, snapshot: { step: snap.step, tokens: snap.tokens, elapsed: snap.elapsed, key }, metrics: record.metrics.filter((m) => m.step <= snap.step) };
    await this.checkpoints.linkedWrite(async () => {
      await this.checkpoints.writeBlob(key, snap.state, `the step-${snap.step} snapshot of run "${record.settings.name}"`);
      try {
        await this.records.set(record.id, next);
      } catch (e) {
        await this.checkpoints.blobs.del(key).catch(() => undefined);
        throw e;
      }
    });
    if (old && old !== key) await this.checkpoints.blobs.del(old);
    return next;
  }

  async snapshotBytes(record: RunRecord): Promise<Uint8Array | undefined> {
    const v = record.snapshot ? await this.checkpoints.blobs.get(record.snapshot.key) : undefined;
    return v === undefined ? undefined : bytesOf(v);
  }

  /** Marks the run finished and frees its snapshot. */
  async finish(record: RunRecord, patch: Partial<RunRecord>): Promise<RunRecord> {
    const next: RunRecord = { ...record, ...patch, snapshot: undefined };
    await this.records.set(record.id, next);
    if (record.snapshot) await this.checkpoints.blobs.del(record.snapshot.key);
    return next;
  }

  async delete(id: string): Promise<void> {
    const r = await this.records.get(id);
    if (!r) return;
    await this.records.del(id);
    if (r.snapshot) await this.checkpoints.blobs.del(r.snapshot.key);
  }

  /** Blob keys runs still need, so the orphan sweep keeps them. */
  async liveBlobKeys(): Promise<Set<string>> {
    return new Set((await this.list()).flatMap((r) => (r.snapshot ? [r.snapshot.key] : [])));
  }
}
