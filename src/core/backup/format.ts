// The workspace backup file: one file holding checkpoints (manifest + tensor and Fisher blobs),
// tokenizer files, user corpora, imported suites, runs (with their snapshot blobs), evaluations and
// experiments, readable and checkable before anything is written back.
//
// Layout (all integers little-endian):
//   bytes  0..7    magic "GUMSBKP\n" (47 55 4D 53 42 4B 50 0A)
//   bytes  8..11   format version, u32 (1)
//   bytes 12..15   header length H in bytes, u32 (at most MAX_HEADER_BYTES)
//   bytes 16..47   SHA-256 of the header bytes (raw 32 bytes)
//   bytes 48..48+H the header: UTF-8 JSON {format: "gums-backup", version: 1, createdAt, entries}
//   then           the entries' payloads, concatenated in header order without padding; the file
//                  ends exactly after the last one.
// Each entry is {store, key, bytes, sha256}: the IndexedDB store and key it came from, its payload
// length and the SHA-256 (hex) of the payload. Payloads of the "tensors" store are the stored blob
// as it was (safetensors, run snapshots); every other store's payload is the record as UTF-8 JSON.
// The header's own hash covers every byte before the payloads, each entry's hash its payload, so a
// flipped bit anywhere is found before a restore writes anything.
import { Sha256 } from './sha256';

export const BACKUP_MAGIC = 'GUMSBKP\n';
export const BACKUP_VERSION = 1;
export const PREAMBLE_BYTES = 48;
/** A header lists a few entries per item; 64 MiB of JSON is far past any real workspace. */
export const MAX_HEADER_BYTES = 64 * 2 ** 20;
/** Slices read at a time when hashing a payload. */
export const READ_CHUNK = 4 * 2 ** 20;

/** The stores a backup holds, in the order they are written back (blobs before the records naming them). */
export const BACKUP_STORES = ['tensors', 'tokenizers', 'corpora', 'suites', 'manifests', 'runs', 'evaluations', 'experiments'] as const;
export type BackupStore = (typeof BACKUP_STORES)[number];
/** The one store whose payloads are raw bytes; the others are JSON records. */
export const BLOB_STORE = 'tensors' as const;
export type RecordStoreName = Exclude<BackupStore, typeof BLOB_STORE>;

export interface BackupEntry {
  store: BackupStore;
  key: string;
  bytes: number;
  sha256: string;
}

export interface BackupHeader {
  format: 'gums-backup';
  version: typeof BACKUP_VERSION;
  createdAt: string;
  entries: BackupEntry[];
}

/** An entry with the byte offset of its payload in the file. */
export interface PlacedEntry extends BackupEntry {
  offset: number;
}

/** Random access to the backup's bytes (a Blob or File in the app, a buffer in tests). */
export interface ByteSource {
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export function blobSource(blob: Blob): ByteSource {
  return { size: blob.size, read: async (o, n) => new Uint8Array(await blob.slice(o, o + n).arrayBuffer()) };
}

/** A backup that cannot be read as it is; the message names what is wrong. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

const entryName = (e: Pick<BackupEntry, 'store' | 'key'>) => `${e.store}/${e.key}`;

/** The preamble and header to write before the payloads; the entries' order is the payloads' order. */
export function encodeBackupPrefix(entries: BackupEntry[], createdAt = new Date().toISOString()): Uint8Array {
  const header: BackupHeader = { format: 'gums-backup', version: BACKUP_VERSION, createdAt, entries };
  const json = new TextEncoder().encode(JSON.stringify(header));
  if (json.length > MAX_HEADER_BYTES) throw new BackupError(`the backup's header would be ${json.length} bytes, over the ${MAX_HEADER_BYTES} a backup may have; back up fewer items at a time`);
  const out = new Uint8Array(PREAMBLE_BYTES + json.length);
  out.set(new TextEncoder().encode(BACKUP_MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, BACKUP_VERSION, true);
  view.setUint32(12, json.length, true);
  out.set(hexBytes(new Sha256().update(json).hex()), 16);
  out.set(json, PREAMBLE_BYTES);
  return out;
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from({ length: hex.length / 2 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkEntry(raw: unknown, i: number): BackupEntry {
  const where = `header entries[${i}]`;
  if (!isObject(raw)) throw new BackupError(`${where} must be an object {store, key, bytes, sha256}, got ${JSON.stringify(raw)}`);
  const { store, key, bytes, sha256 } = raw;
  if (!(BACKUP_STORES as readonly unknown[]).includes(store)) throw new BackupError(`${where}.store is ${JSON.stringify(store)}; a backup holds ${BACKUP_STORES.join(', ')}`);
  if (typeof key !== 'string' || !key) throw new BackupError(`${where}.key must be a non-empty string, got ${JSON.stringify(key)}`);
  if (!Number.isSafeInteger(bytes) || (bytes as number) < 0) throw new BackupError(`${where}.bytes (${String(store)}/${String(key)}) must be a non-negative integer, got ${JSON.stringify(bytes)}`);
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) throw new BackupError(`${where}.sha256 (${String(store)}/${String(key)}) must be 64 lowercase hex digits, got ${JSON.stringify(sha256)}`);
  return { store: store as BackupStore, key, bytes: bytes as number, sha256 };
}

/**
 * Reads and checks the preamble and header: signature, version, the header's hash and fields, and
 * that the payloads end exactly where the file does. Payloads are checked by verifyEntries.
 */
export async function readBackupHeader(src: ByteSource): Promise<{ header: BackupHeader; entries: PlacedEntry[] }> {
  if (src.size < PREAMBLE_BYTES) throw new BackupError(`the file is ${src.size} bytes, shorter than a backup's ${PREAMBLE_BYTES}-byte preamble: it is not a studio backup, or it was cut off`);
  const pre = await src.read(0, PREAMBLE_BYTES);
  if (new TextDecoder().decode(pre.subarray(0, 8)) !== BACKUP_MAGIC) throw new BackupError('the file does not start with the studio backup signature "GUMSBKP": it is not a workspace backup of this studio, or its first bytes were altered');
  const view = new DataView(pre.buffer, pre.byteOffset, pre.byteLength);
  const version = view.getUint32(8, true);
  if (version !== BACKUP_VERSION) throw new BackupError(`the backup has format version ${version}; this studio reads version ${BACKUP_VERSION}`);
  const headerBytes = view.getUint32(12, true);
  if (headerBytes > MAX_HEADER_BYTES) throw new BackupError(`the backup's header is said to be ${headerBytes} bytes, over the ${MAX_HEADER_BYTES} a backup may have: the preamble was altered`);
  if (PREAMBLE_BYTES + headerBytes > src.size) throw new BackupError(`the backup's header is said to be ${headerBytes} bytes but only ${src.size - PREAMBLE_BYTES} follow the preamble: the file was cut off`);
  const json = await src.read(PREAMBLE_BYTES, headerBytes);
  const expected = [...pre.subarray(16, 48)].map((b) => b.toString(16).padStart(2, '0')).join('');
  if (new Sha256().update(json).hex() !== expected) throw new BackupError("the backup's header does not match its SHA-256: the header (or its length) was altered or damaged");
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (e) {
    throw new BackupError(`the backup's header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (!isObject(raw) || raw.format !== 'gums-backup') throw new BackupError(`the backup's header must be an object with format "gums-backup", got ${JSON.stringify(isObject(raw) ? raw.format : raw)?.slice(0, 80)}`);
  if (raw.version !== BACKUP_VERSION) throw new BackupError(`the backup's header has version ${JSON.stringify(raw.version)}; this studio reads ${BACKUP_VERSION}`);
  if (typeof raw.createdAt !== 'string') throw new BackupError(`the backup's header field createdAt must be a string, got ${JSON.stringify(raw.createdAt)}`);
  if (!Array.isArray(raw.entries)) throw new BackupError(`the backup's header field entries must be a list, got ${JSON.stringify(raw.entries)?.slice(0, 80)}`);
  const seen = new Set<string>();
  let offset = PREAMBLE_BYTES + headerBytes;
  const entries = raw.entries.map((r, i) => {
    const e = checkEntry(r, i);
    if (seen.has(entryName(e))) throw new BackupError(`the backup's header lists ${entryName(e)} twice`);
    seen.add(entryName(e));
    const placed = { ...e, offset };
    offset += e.bytes;
    if (offset > src.size) throw new BackupError(`entry ${entryName(e)} (${e.bytes} bytes from byte ${placed.offset}) runs past the end of the file at byte ${src.size}: the backup was cut off`);
    return placed;
  });
  if (offset !== src.size) throw new BackupError(`${src.size - offset} bytes follow the last entry (the header accounts for ${offset} of the file's ${src.size}): the backup was altered`);
  return { header: { format: 'gums-backup', version: BACKUP_VERSION, createdAt: raw.createdAt, entries }, entries };
}

/** SHA-256 of `length` bytes from `offset`, read a slice at a time. */
export async function hashRange(src: ByteSource, offset: number, length: number): Promise<string> {
  const h = new Sha256();
  for (let o = 0; o < length; o += READ_CHUNK) h.update(await src.read(offset + o, Math.min(READ_CHUNK, length - o)));
  return h.hex();
}

/** Checks every payload against its hash; `onProgress` gets bytes checked of all there are. */
export async function verifyEntries(src: ByteSource, entries: PlacedEntry[], onProgress?: (done: number, total: number) => void): Promise<void> {
  const total = entries.reduce((a, e) => a + e.bytes, 0);
  let done = 0;
  for (const e of entries) {
    if ((await hashRange(src, e.offset, e.bytes)) !== e.sha256) throw new BackupError(`entry ${entryName(e)} (${e.bytes} bytes from byte ${e.offset}) does not match its SHA-256: the backup was altered or damaged`);
    done += e.bytes;
    onProgress?.(done, total);
  }
}

/** A JSON entry's record, parsed; the record validators (records.ts) check its fields. */
export async function readJsonEntry(src: ByteSource, e: PlacedEntry): Promise<unknown> {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await src.read(e.offset, e.bytes)));
  } catch (err) {
    throw new BackupError(`entry ${entryName(e)} is not valid UTF-8 JSON (${(err as Error).message})`);
  }
}
