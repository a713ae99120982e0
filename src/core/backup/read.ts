// Reading a backup whole before a restore decides anything: the header and every payload checked
// against their hashes, every record against its validator, and the entries grouped into items
// (each blob owned by exactly one checkpoint or run of the backup). Any failure is a BackupError
// naming the entry and what is wrong; nothing has been written when it throws.
import type { CheckpointManifest } from '../checkpoint/manifest';
import { BackupError, BLOB_STORE, type BackupHeader, type ByteSource, type PlacedEntry, readBackupHeader, readJsonEntry, verifyEntries } from './format';
import type { BackupItem } from './plan';
import { blobKeysOf, STORE_KIND, validateRecord } from './records';

export interface BackupContents {
  header: BackupHeader;
  items: BackupItem[];
  /** The blob entries by their key in the backup, to copy from. */
  blobs: Map<string, PlacedEntry>;
  /** Bytes of all payloads. */
  payloadBytes: number;
}

export async function readBackup(src: ByteSource, onProgress?: (done: number, total: number) => void): Promise<BackupContents> {
  const { header, entries } = await readBackupHeader(src);
  await verifyEntries(src, entries, onProgress);
  const blobs = new Map(entries.filter((e) => e.store === BLOB_STORE).map((e) => [e.key, e]));
  const owner = new Map<string, string>();
  const items: BackupItem[] = [];
  for (const e of entries) {
    const store = e.store;
    if (store === BLOB_STORE) continue;
    const record = await readJsonEntry(src, e);
    validateRecord(store, e.key, record);
    const kind = STORE_KIND[store];
    const what = `${e.store}/${e.key}`;
    const item: BackupItem = { kind, id: e.key, record, recordSha: e.sha256, blobs: [] };
    for (const key of blobKeysOf(kind, record)) {
      const b = blobs.get(key);
      if (!b) throw new BackupError(`${what} names the blob ${key}, which the backup does not hold`);
      if (owner.has(key)) throw new BackupError(`the blob ${key} is named by both ${owner.get(key)} and ${what}`);
      owner.set(key, what);
      item.blobs.push({ key, sha256: b.sha256, bytes: b.bytes });
    }
    if (kind === 'checkpoint' && item.blobs[0].bytes !== (record as CheckpointManifest).bytes) {
      throw new BackupError(`${what} says its tensors are ${(record as CheckpointManifest).bytes} bytes, but the blob ${item.blobs[0].key} is ${item.blobs[0].bytes}`);
    }
    items.push(item);
  }
  for (const key of blobs.keys()) if (!owner.has(key)) throw new BackupError(`the blob tensors/${key} belongs to no checkpoint or run of the backup`);
  return { header, items, blobs, payloadBytes: entries.reduce((a, e) => a + e.bytes, 0) };
}
