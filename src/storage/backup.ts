// Workspace backup and restore against the IndexedDB stores (the format and the restore plan are
// in core/backup). A backup references the stored blobs instead of copying them: its payloads are
// the Blobs as IndexedDB holds them, so writing one streams from disk. A restore reads and checks
// the whole file first (readBackup), plans it, then writes blobs before the records naming them;
// if any write fails, everything this restore wrote is undone (deleted, or put back as it was), so
// nothing is half-restored.
import { validateManifest } from '../core/checkpoint/manifest';
import { BACKUP_STORES, BackupError, type BackupEntry, type BackupStore, BLOB_STORE, blobSource, type ByteSource, encodeBackupPrefix, hashRange, type RecordStoreName } from '../core/backup/format';
import { type ClashChoice, planRestore, type RestorePlan, type StudioItem, type StudioView } from '../core/backup/plan';
import { readBackup } from '../core/backup/read';
import { blobKeysOf, type ItemKind, ITEM_KINDS, itemName, KIND_STORE, tokenizerOf, validateRecord } from '../core/backup/records';
import { Sha256 } from '../core/backup/sha256';
import type { StoredBytes } from './checkpoints';
import { idbStore, isQuotaError, type KeyValueStore } from './kv';

/** Every store of the workspace, by the name services.ts gives it (backup.test.ts checks they agree). */
export type WorkspaceStores = { [S in RecordStoreName]: KeyValueStore<unknown> } & { tensors: KeyValueStore<StoredBytes> };

export function openWorkspaceStores(): WorkspaceStores {
  return Object.fromEntries(BACKUP_STORES.map((s) => [s, idbStore(s)])) as WorkspaceStores;
}

/** Which items to back up, by id per kind; a kind left out is not backed up. Omitted entirely: everything. */
export type BackupSelection = Partial<Record<'checkpoints' | 'runs' | 'corpora' | 'suites' | 'evaluations' | 'experiments', string[]>>;
const SELECTION_KIND: Record<keyof BackupSelection, ItemKind> = { checkpoints: 'checkpoint', runs: 'run', corpora: 'corpus', suites: 'suite', evaluations: 'evaluation', experiments: 'experiment' };

export interface PreparedBackup {
  /** The file in order: the preamble and header, then each payload (stored Blobs referenced, not copied). */
  parts: (Uint8Array | Blob)[];
  entries: BackupEntry[];
  bytes: number;
  items: { kind: ItemKind; id: string; name: string }[];
  /** Records that could not be backed up (damaged manifests, lost tensors), each a sentence. */
  left: string[];
}

const formatSize = (b: number) => (b >= 1e9 ? `${(b / 1e9).toFixed(2)} GB` : b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : `${(b / 1e3).toFixed(1)} kB`);
const asBlob = (v: StoredBytes): Blob => (v instanceof Blob ? v : new Blob([v as Uint8Array<ArrayBuffer>]));
const jsonBytes = (record: unknown) => new TextEncoder().encode(JSON.stringify(record));

async function shaOfStored(v: StoredBytes): Promise<string> {
  if (v instanceof Uint8Array) return new Sha256().update(v).hex();
  return hashRange(blobSource(v), 0, v.size);
}

function checkSelection(selection: unknown): BackupSelection | undefined {
  if (selection === undefined) return undefined;
  if (typeof selection !== 'object' || selection === null || Array.isArray(selection)) throw new Error(`the backup selection must be an object {checkpoints?, runs?, corpora?, suites?, evaluations?, experiments?} of id lists, got ${JSON.stringify(selection)}`);
  for (const [k, v] of Object.entries(selection)) {
    if (!(k in SELECTION_KIND)) throw new Error(`the backup selection has no field ${JSON.stringify(k)}; allowed: ${Object.keys(SELECTION_KIND).join(', ')}`);
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new Error(`the backup selection's ${k} must be a list of ids, got ${JSON.stringify(v)}`);
  }
  return selection as BackupSelection;
}

/** Gathers the items to back up, hashes their payloads and lays out the file. */
export async function prepareBackup(stores: WorkspaceStores, selection?: BackupSelection): Promise<PreparedBackup> {
  const chosen = checkSelection(selection);
  const records = new Map<ItemKind, Map<string, unknown>>();
  for (const kind of ITEM_KINDS) {
    const store = stores[KIND_STORE[kind]];
    const ids = (await store.keys()).sort();
    records.set(kind, new Map(await Promise.all(ids.map(async (id) => [id, await store.get(id)] as const))));
  }
  let wanted: Map<ItemKind, Set<string>>;
  if (!chosen) wanted = new Map([...records].map(([k, m]) => [k, new Set(m.keys())]));
  else {
    wanted = new Map(ITEM_KINDS.map((k) => [k, new Set<string>()]));
    for (const [field, ids] of Object.entries(chosen) as [keyof BackupSelection, string[]][]) {
      const kind = SELECTION_KIND[field];
      for (const id of ids) {
        if (!records.get(kind)!.has(id)) throw new Error(`there is no ${kind} with id ${JSON.stringify(id)} to back up; see studio.${field === 'corpora' ? 'corpora()' : `${field}.list()`}`);
        wanted.get(kind)!.add(id);
      }
    }
  }
  // A checkpoint needs its tokenizer's files to load.
  for (const id of wanted.get('checkpoint')!) {
    const tok = tokenizerOf(records.get('checkpoint')!.get(id));
    if (tok && records.get('tokenizer')!.has(tok)) wanted.get('tokenizer')!.add(tok);
  }

  const out: PreparedBackup = { parts: [], entries: [], bytes: 0, items: [], left: [] };
  const payloads: (Uint8Array | Blob)[] = [];
  const add = (store: BackupStore, key: string, data: Uint8Array | Blob, sha256: string) => {
    out.entries.push({ store, key, bytes: data instanceof Blob ? data.size : data.length, sha256 });
    payloads.push(data);
  };
  const blobEntries: [string, Blob][] = [];
  for (const kind of ITEM_KINDS) {
    for (const id of wanted.get(kind)!) {
      const record = records.get(kind)!.get(id);
      const name = itemName(kind, record);
      try {
        if (kind === 'checkpoint') validateManifest(record);
        validateRecord(KIND_STORE[kind], id, JSON.parse(JSON.stringify(record)));
      } catch (e) {
        out.left.push(`${kind} ${id} is damaged and was left out: ${(e as Error).message}`);
        continue;
      }
      const blobs: [string, StoredBytes][] = [];
      for (const key of blobKeysOf(kind, record)) {
        const v = await stores.tensors.get(key);
        if (v === undefined) break;
        blobs.push([key, v]);
      }
      if (blobs.length !== blobKeysOf(kind, record).length) {
        out.left.push(`${kind} ${id} (${name}) has lost a blob it names and was left out`);
        continue;
      }
      const data = jsonBytes(record);
      add(KIND_STORE[kind], id, data, new Sha256().update(data).hex());
      for (const [key, v] of blobs) blobEntries.push([key, asBlob(v)]);
      out.items.push({ kind, id, name });
    }
  }
  for (const [key, b] of blobEntries) add(BLOB_STORE, key, b, await hashRange(blobSource(b), 0, b.size));
  const prefix = encodeBackupPrefix(out.entries);
  out.parts = [prefix, ...payloads];
  out.bytes = prefix.length + out.entries.reduce((a, e) => a + e.bytes, 0);
  return out;
}

/** What the studio holds of the backup's items, for planRestore. */
async function studioView(stores: WorkspaceStores, items: Awaited<ReturnType<typeof readBackup>>['items']): Promise<StudioView> {
  const ids = Object.fromEntries(await Promise.all(ITEM_KINDS.map(async (k) => [k, new Set(await stores[KIND_STORE[k]].keys())] as const))) as Record<ItemKind, Set<string>>;
  const view: StudioView = { items: new Map(), ids, blobKeys: new Set(await stores.tensors.keys()) };
  for (const it of items) {
    if (!ids[it.kind].has(it.id)) continue;
    const record = await stores[KIND_STORE[it.kind]].get(it.id);
    const held: StudioItem = { recordSha: new Sha256().update(jsonBytes(record)).hex(), blobKeys: blobKeysOf(it.kind, record) };
    // Blobs are hashed only when the records agree: a differing record is a clash already.
    if (held.recordSha === it.recordSha) {
      held.blobShas = await Promise.all(held.blobKeys.map(async (k) => {
        const v = await stores.tensors.get(k);
        return v === undefined ? 'missing' : shaOfStored(v);
      }));
    }
    view.items.set(`${it.kind}:${it.id}`, held);
  }
  return view;
}

export interface RestoreOptions {
  onClash?: ClashChoice;
  /** Bytes checked of all there are, while the file is verified. */
  onProgress?: (done: number, total: number) => void;
  /** Runs the writes holding whatever keeps other tabs' orphan sweeps off blobs not yet named (CheckpointStore.linkedWrite). */
  hold?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** The browser's usage and quota, for a quota message (navigator.storage.estimate). */
  estimate?: () => Promise<{ usage: number; quota: number } | undefined>;
}

export type RestoreReport = Pick<RestorePlan, 'restored' | 'renamed' | 'replaced' | 'skipped' | 'clashes'> & { bytesWritten: number };

/** Reads, checks and plans a restore without writing: what would be restored and what clashes. */
export async function inspectBackup(stores: WorkspaceStores, file: Blob, options: Pick<RestoreOptions, 'onClash' | 'onProgress'> = {}): Promise<RestoreReport & { plan: RestorePlan; src: ByteSource; contents: Awaited<ReturnType<typeof readBackup>> }> {
  const src = blobSource(file);
  const contents = await readBackup(src, options.onProgress);
  const plan = planRestore(contents.items, await studioView(stores, contents.items), options.onClash ?? 'rename');
  const bytesWritten = plan.writes.reduce((a, w) => a + ('from' in w ? contents.blobs.get(w.from)!.bytes : 0), 0);
  return { ...plan, bytesWritten, plan, src, contents };
}

/** Restores `file` into the stores; refuses a damaged file before writing, undoes every write if one fails. */
export async function restoreBackup(stores: WorkspaceStores, file: Blob, options: RestoreOptions = {}): Promise<RestoreReport> {
  const { plan, contents, bytesWritten } = await inspectBackup(stores, file, options);
  const hold = options.hold ?? ((fn) => fn());
  await hold(async () => {
    const undo: (() => Promise<void>)[] = [];
    let i = 0;
    try {
      for (; i < plan.writes.length; i++) {
        const w = plan.writes[i];
        const store = stores[w.store] as KeyValueStore<unknown>;
        const before = await store.get(w.key);
        undo.push(before === undefined ? () => store.del(w.key) : () => store.set(w.key, before));
        if ('from' in w) {
          const e = contents.blobs.get(w.from)!;
          await stores.tensors.set(w.key, file.slice(e.offset, e.offset + e.bytes));
        } else await store.set(w.key, w.record);
      }
    } catch (e) {
      const failed: string[] = [];
      for (const u of undo.reverse()) await u().catch((err: Error) => failed.push(err.message));
      const w = plan.writes[i];
      const what = `${w.store}/${w.key}`;
      const undone = failed.length
        ? `; undoing the ${i} writes before it failed ${failed.length} times (${failed[0]}), so some of the backup may remain`
        : i === 0 ? '; nothing had been written yet, so nothing changed' : `; the ${i} writes before it were undone, so nothing of this backup was restored and nothing else changed`;
      const est = isQuotaError(e) ? await options.estimate?.().catch(() => undefined) : undefined;
      const usage = est ? ` The browser counts ${formatSize(est.usage)} used of the ${formatSize(est.quota)} it allows this site (${formatSize(Math.max(0, est.quota - est.usage))} free).` : '';
      if (isQuotaError(e)) throw new Error(`Not enough browser storage to restore the backup: writing ${what} (write ${i + 1} of ${plan.writes.length}; the restore needs ${formatSize(bytesWritten)} of blobs) hit the storage quota${undone}.${usage} Delete checkpoints or runs you no longer need, or restore a backup of fewer items, and try again.`);
      throw new Error(`restoring the backup failed writing ${what}: ${(e as Error).message}${undone}`);
    }
  });
  for (const key of plan.obsoleteBlobs) await stores.tensors.del(key).catch(() => undefined);
  const { restored, renamed, replaced, skipped, clashes } = plan;
  return { restored, renamed, replaced, skipped, clashes, bytesWritten };
}

export { BackupError };
