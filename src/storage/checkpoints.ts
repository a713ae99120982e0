// Checkpoints in IndexedDB: manifests (small, listed often) apart from tensor blobs (big).
// Writes are ordered so a crash never leaves a checkpoint that lists but does not load: the
// tensors are written first, the manifest last; deletion removes the manifest first. Blobs no
// manifest or run refers to (left by a crash between the two writes) are swept at start-up.
import type { CheckpointManifest } from '../core/checkpoint/manifest';
import { validateManifest } from '../core/checkpoint/manifest';
import type { KeyValueStore } from './kv';
import { isQuotaError } from './kv';

export class StorageFullError extends Error {
  constructor(what: string, bytes: number) {
    super(`Not enough browser storage to save ${what} (${(bytes / 1e6).toFixed(1)} MB): the quota is full. Delete checkpoints or runs in the Models panel and try again; nothing saved before was changed.`);
    this.name = 'StorageFullError';
  }
}

/**
 * Tensor blobs are stored as Blobs: the browser keeps them on disk and reads slices on demand, so
 * a merge can read one tensor of each model at a time. Older values may be Uint8Arrays.
 */
export type StoredBytes = Blob | Uint8Array;

export async function bytesOf(v: StoredBytes): Promise<Uint8Array> {
  return v instanceof Uint8Array ? v : new Uint8Array(await v.arrayBuffer());
}

export class CheckpointStore {
  constructor(
    private readonly manifests: KeyValueStore<CheckpointManifest>,
    readonly blobs: KeyValueStore<StoredBytes>,
  ) {}

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
    await this.manifests.set(id, next);
    return next;
  }

  /** Saves tensors, then the manifest. On any failure nothing of this checkpoint remains. */
  async save(manifest: Omit<CheckpointManifest, 'tensorsKey' | 'bytes'>, tensors: Uint8Array | Blob): Promise<CheckpointManifest> {
    const blob = tensors instanceof Blob ? tensors : new Blob([tensors as Uint8Array<ArrayBuffer>]);
    const full: CheckpointManifest = { ...manifest, tensorsKey: `ckpt:${manifest.id}`, bytes: blob.size };
    validateManifest(full);
    await this.writeBlob(full.tensorsKey, blob, `checkpoint "${full.name}"`);
    try {
      await this.manifests.set(full.id, full);
    } catch (e) {
      await this.blobs.del(full.tensorsKey).catch(() => undefined);
      throw isQuotaError(e) ? new StorageFullError(`checkpoint "${full.name}"`, blob.size) : e;
    }
    return full;
  }

  async writeBlob(key: string, bytes: StoredBytes, what: string): Promise<void> {
    try {
      await this.blobs.set(key, bytes);
    } catch (e) {
      await this.blobs.del(key).catch(() => undefined);
      throw isQuotaError(e) ? new StorageFullError(what, bytes instanceof Blob ? bytes.size : bytes.byteLength) : e;
    }
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

  /** Deletes blobs that no manifest and none of `alsoKeep` refers to; returns how many. */
  async sweepOrphans(alsoKeep: Set<string>): Promise<number> {
    const used = new Set((await this.manifests.values()).flatMap((m) => [m.tensorsKey, ...(m.fisher ?? []).map((f) => f.key)]));
    let n = 0;
    for (const k of await this.blobs.keys()) {
      if (!used.has(k) && !alsoKeep.has(k)) {
        await this.blobs.del(k);
        n++;
      }
    }
    return n;
  }
}
