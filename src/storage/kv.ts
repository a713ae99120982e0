// The key-value contract the stores are written against, and its IndexedDB implementation
// (idb-keyval, one database per store). Tests use the in-memory one.
import { createStore, del, get, keys, set, values } from 'idb-keyval';

export interface KeyValueStore<V> {
  get(key: string): Promise<V | undefined>;
  set(key: string, value: V): Promise<void>;
  del(key: string): Promise<void>;
  keys(): Promise<string[]>;
  values(): Promise<V[]>;
}

/**
 * An IndexedDB store. With `guard`, a write the quota refuses throws a StorageFullError naming
 * what did not fit (the browser's own error has an empty message).
 */
export function idbStore<V>(name: string, guard?: WriteGuard<V>): KeyValueStore<V> {
  const store = createStore(`gums-${name}`, name);
  return {
    get: (k) => get<V>(k, store),
    set: async (k, v) => {
      try {
        await set(k, v, store);
      } catch (e) {
        throw guard && isQuotaError(e) ? await storageFullError(guard.describe(k, v), sizeOfValue(v), guard.facts) : e;
      }
    },
    del: (k) => del(k, store),
    keys: async () => (await keys(store)).map(String),
    values: () => values<V>(store),
  };
}

export function memoryStore<V>(): KeyValueStore<V> & { map: Map<string, V> } {
  const map = new Map<string, V>();
  return {
    map,
    get: async (k) => map.get(k),
    set: async (k, v) => void map.set(k, v),
    del: async (k) => void map.delete(k),
    keys: async () => [...map.keys()],
    values: async () => [...map.values()],
  };
}

/**
 * The browser's usage and quota for this site (navigator.storage.estimate), or undefined where
 * the browser (or Node) cannot say; never throws, so a figure it cannot give hides no message.
 */
export async function storageEstimate(): Promise<{ usage: number; quota: number } | undefined> {
  const nav = typeof navigator === 'undefined' ? undefined : navigator; // absent in Node before 21
  const est = await nav?.storage?.estimate?.().catch(() => undefined);
  return est ? { usage: est.usage ?? 0, quota: est.quota ?? 0 } : undefined;
}

/** What a quota message reports: the browser's usage figures and the biggest things to delete. */
export interface StorageFacts {
  estimate(): Promise<{ usage: number; quota: number } | undefined>;
  /** The largest checkpoints (name and bytes), biggest first. */
  largest(): Promise<{ name: string; bytes: number }[]>;
}

export interface WriteGuard<V> {
  describe(key: string, value: V): string;
  facts: StorageFacts;
}

export class StorageFullError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageFullError';
  }
}

const mb = (bytes: number): string => (bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : bytes >= 1e5 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} kB`);

/** Bytes a value takes, near enough for a message: blobs and arrays exactly, records as JSON. */
export function sizeOfValue(v: unknown): number {
  if (typeof Blob !== 'undefined' && v instanceof Blob) return v.size;
  if (ArrayBuffer.isView(v)) return v.byteLength;
  try {
    return JSON.stringify(v)?.length ?? 0;
  } catch {
    return 0;
  }
}

/**
 * The sentence for a write the quota refused: what did not fit and its size, the browser's usage
 * and quota, and the largest checkpoints to delete. The facts are best effort: a failing estimate
 * leaves them out rather than hiding the message.
 */
export async function storageFullError(what: string, bytes: number, facts?: StorageFacts): Promise<StorageFullError> {
  const est = await facts?.estimate().catch(() => undefined);
  const largest = ((await facts?.largest().catch(() => [])) ?? []).slice(0, 3);
  const free = est ? Math.max(0, est.quota - est.usage) : 0;
  // The quota can look roomy while the disk under it is full: then say so instead of contradicting the refusal.
  const usage = !est ? '' : free > bytes
    ? ` The browser reports ${mb(est.usage)} used of the ${mb(est.quota)} it allows this site, yet refused the write: the disk itself is probably full.`
    : ` The browser counts ${mb(est.usage)} used of the ${mb(est.quota)} it allows this site (${mb(free)} free).`;
  const biggest = largest.length ? ` The largest checkpoints are ${largest.map((c) => `"${c.name}" (${mb(c.bytes)})`).join(', ')}.` : '';
  return new StorageFullError(
    `Not enough browser storage to save ${what} (${mb(bytes)}): the browser refused the write for want of space.${usage}${biggest} Delete checkpoints (Models panel) or finished runs (Train panel) you no longer need, or free disk space, and try again; nothing saved before was changed.`,
  );
}

/** True for the browser's "storage is full" errors (QuotaExceededError and its relatives). */
export function isQuotaError(e: unknown): boolean {
  const name = (e as { name?: string })?.name ?? '';
  const message = (e as { message?: string })?.message ?? '';
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || /quota/i.test(message);
}

/** Records keyed by their own id: the shape of every small store (user corpora, suites, results). */
export class RecordStore<T extends { id: string }> {
  constructor(private readonly kv: KeyValueStore<T>) {}
  list(): Promise<T[]> {
    return this.kv.values();
  }
  get(id: string): Promise<T | undefined> {
    return this.kv.get(id);
  }
  put(record: T): Promise<void> {
    return this.kv.set(record.id, record);
  }
  delete(id: string): Promise<void> {
    return this.kv.del(id);
  }
}
