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

export function idbStore<V>(name: string): KeyValueStore<V> {
  const store = createStore(`gums-${name}`, name);
  return {
    get: (k) => get<V>(k, store),
    set: (k, v) => set(k, v, store),
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
