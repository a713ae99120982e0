// Checkpoints in IndexedDB: manifests (small, listed often) apart from tensor blobs (big).
// Writes are ordered so a crash never leaves a checkpoint that lists but does not load: the
// tensors are written first, the manifest last; deletion removes the manifest first. Blobs no
// manifest or run refers to (left by a crash between the two writes) are swept at start-up.
// Another tab may be between its two writes while this one sweeps: every blob-then-record write
// holds BLOB_WRITE_LOCK shared, and the sweep runs only when it can hold it alone.
import type { CheckpointManifest } from '../core/checkpoint/manifest';
import { validateManifest } from '../core/checkpoint/manifest';
import { F16_MAX, F16RangeError, storeSafetensorsAs, type StorageDtype } from '../core/checkpoint/storageDtype';
import type { KeyValueStore, StorageFacts } from './kv';
import { isQuotaError, storageFullError } from './kv';
import { BLOB_WRITE_LOCK, MemoryLockManager, memoryTabs, type TabCoordination } from './tabs';

export { StorageFullError } from './kv';

/**
 * Tensor blobs are stored as Blobs: the browser keeps them on disk and reads slices on demand, so
 * a merge can read one tensor of each model at a time. Older values may be Uint8Arrays.
 */
export type StoredBytes = Blob | Uint8Array;

export async function bytesOf(v: StoredBytes): Promise<Uint8Array> {
  return v instanceof Uint8Array ? v : new Uint8Array(await v.arrayBuffer());
}

export class CheckpointStore {
  /** The dtype new checkpoints are stored in unless a save names one (a studio setting). */
  storeAs: StorageDtype = 'F32';

  constructor(
    private readonly manifests: KeyValueStore<CheckpointManifest>,
    readonly blobs: KeyValueStore<StoredBytes>,
    private readonly tabs: TabCoordination = memoryTabs(new MemoryLockManager()),
    private readonly facts?: StorageFacts,
  ) {}

  /** The largest checkpoints, for a quota message's "what to delete". */
  async largest(): Promise<{ name: string; bytes: number }[]> {
    return (await this.list()).checkpoints.map((c) => ({ name: c.name, bytes: c.bytes })).sort((a, b) => b.bytes - a.bytes);
  }

  /**
   * Runs a write that stores blobs and then the record naming them, so no tab's orphan sweep
   * deletes the blobs in between. Not re-entrant: `fn` must not call linkedWrite or save.
   */
  linkedWrite<T>(fn: () => Promise<T>): Promise<T> {
    return this.tabs.withLock(BLOB_WRITE_LOCK, 'shared', fn);
  }

  /** Valid manifests, newest first; damaged ones are reported apart instead of breaking the list. */
  async list(): Promise<{ checkpoints: CheckpointManifest[]; damaged: string[] }> {
    const checkpoints: CheckpointManifest[] = [];
    const damaged: string[] = [];
    for (const raw of await this.manifests.values()) {
      try {
        checkpoints.push(validateManifest(raw));
      } catch (e) {
        damaged.push((e as Error).message);
      }
    }
    checkpoints.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return { checkpoints, damaged };
  }

  async get(id: string): Promise<CheckpointManifest | undefined> {
    const raw = await this.manifests.get(id);
    return raw === undefined ? undefined : validateManifest(raw);
  }

  async tensors(id: string): Promise<Uint8Array> {
    return bytesOf(await this.tensorBlob(id));
  }

  /** The checkpoint's safetensors file as stored (a Blob whose slices read lazily). */
  async tensorBlob(id: string): Promise<StoredBytes> {
    const m = await this.get(id);
    if (!m) throw new Error(`no checkpoint with id ${id}`);
    const bytes = await this.blobs.get(m.tensorsKey);
    if (!bytes) throw new Error(`checkpoint ${id} (${m.name}) has lost its tensors`);
    return bytes;
  }

  /** Replaces a manifest's descriptive fields (never its tensors); one atomic write. */
  async update(id: string, patch: Partial<Pick<CheckpointManifest, 'name' | 'fisher'>>): Promise<CheckpointManifest> {
    const m = await this.get(id);
    if (!m) throw new Error(`no checkpoint with id ${id}`);
    const next = { ...m, ...patch };
    try {
      await this.manifests.set(id, next);
    } catch (e) {
      throw isQuotaError(e) ? await storageFullError(`the changes to checkpoint "${m.name}"`, JSON.stringify(next).length, this.quotaFacts()) : e;
    }
    return next;
  }

  /**
   * Saves tensors, then the manifest. On any failure nothing of this checkpoint remains.
   * `storeAs` BF16/F16 rounds F32 tensors to half the bytes and records the rounding in the
   * manifest's `storage`; F16 refuses a tensor beyond ±65504, naming it. Without `storeAs` the
   * store's setting applies, and F16 there falls back to BF16 (F32's range) with a note instead
   * of losing a finished run's result. A manifest that already names its storage (an import
   * keeping its file's dtype) is stored as given.
   */
  async save(manifest: Omit<CheckpointManifest, 'tensorsKey' | 'bytes'>, tensors: Uint8Array | Blob, storeAs?: StorageDtype): Promise<CheckpointManifest> {
    let storage = manifest.storage;
    const dtype = storeAs ?? this.storeAs;
    if (!storage && dtype !== 'F32') {
      const what = `checkpoint "${manifest.name}"`;
      const bytes = await bytesOf(tensors);
      let stored: ReturnType<typeof storeSafetensorsAs>;
      try {
        stored = storeSafetensorsAs(bytes, dtype, what);
      } catch (e) {
        if (storeAs || !(e instanceof F16RangeError)) throw e;
        stored = storeSafetensorsAs(bytes, 'BF16', what);
        stored.precision.note = `F16 was set, but tensor ${e.tensor} holds values beyond F16's ±${F16_MAX}: stored as BF16`;
      }
      [tensors, storage] = [stored.bytes, stored.precision];
    }
    const blob = tensors instanceof Blob ? tensors : new Blob([tensors as Uint8Array<ArrayBuffer>]);
    const full: CheckpointManifest = { ...manifest, ...(storage ? { storage } : {}), tensorsKey: `ckpt:${manifest.id}`, bytes: blob.size };
    validateManifest(full);
    return this.linkedWrite(async () => {
      await this.writeBlob(full.tensorsKey, blob, `checkpoint "${full.name}"`);
      try {
        await this.manifests.set(full.id, full);
      } catch (e) {
        await this.blobs.del(full.tensorsKey).catch(() => undefined);
        throw isQuotaError(e) ? await storageFullError(`checkpoint "${full.name}"`, blob.size, this.quotaFacts()) : e;
      }
      return full;
    });
  }

  /** Stores one blob; call it inside linkedWrite with the write of the record that names it. */
  async writeBlob(key: string, bytes: StoredBytes, what: string): Promise<void> {
    try {
      await this.blobs.set(key, bytes);
    } catch (e) {
      await this.blobs.del(key).catch(() => undefined);
      throw isQuotaError(e) ? await storageFullError(what, bytes instanceof Blob ? bytes.size : bytes.byteLength, this.quotaFacts()) : e;
    }
  }

  private quotaFacts(): StorageFacts {
    return { estimate: async () => (await this.facts?.estimate()) ?? undefined, largest: () => this.largest() };
  }

  async rename(id: string, name: string): Promise<CheckpointManifest> {
    if (typeof name !== 'string' || !name.trim()) throw new Error('name must be a non-empty string');
    return this.update(id, { name: name.trim() });
  }

  async delete(id: string): Promise<void> {
    const m = await this.get(id);
    if (!m) throw new Error(`no checkpoint with id ${id}`);
    await this.manifests.del(id);
    for (const key of [m.tensorsKey, ...(m.fisher ?? []).map((f) => f.key)]) await this.blobs.del(key);
  }

  /**
   * Deletes blobs that no manifest and none of `keep()` refers to (and runs `alsoSweep`, holding
   * the same lock); returns how many, or 'busy'
   * when a tab is between the two writes of a save (the next start-up sweeps instead).
   */
  async sweepOrphans(keep: () => Promise<Set<string>>, alsoSweep?: () => Promise<unknown>): Promise<number | 'busy'> {
    const out = await this.tabs.ifAvailable(BLOB_WRITE_LOCK, async () => {
      // Other stores' orphans (tokenizer files a restore is linking) are swept under the same lock.
      await alsoSweep?.();
      const alsoKeep = await keep();
      const used = new Set((await this.manifests.values()).flatMap((m) => [m.tensorsKey, ...(m.fisher ?? []).map((f) => f.key)]));
      let n = 0;
      for (const k of await this.blobs.keys()) {
        if (!used.has(k) && !alsoKeep.has(k)) {
          await this.blobs.del(k);
          n++;
        }
      }
      return n;
    });
    return typeof out === 'number' ? out : 'busy';
  }
}
