// The kernel tuner's tables (gpu/autotune), one per adapter, in the engine worker's IndexedDB
// (workers have no localStorage): what makes the next visit skip the timing. A table is the
// tuner's plain record; one for another adapter is never returned for this one.
import type { TuningTable } from '../gpu/autotune/table';
import type { TuningStore } from '../gpu/autotune/tuner';
import type { KeyValueStore } from './kv';

export class KernelTuningStore implements TuningStore {
  constructor(private readonly kv: KeyValueStore<TuningTable>) {}

  async load(adapter: string): Promise<TuningTable | undefined> {
    const t = await this.kv.get(adapter);
    return t && t.adapter === adapter && typeof t.entries === 'object' ? t : undefined;
  }

  save(table: TuningTable): Promise<void> {
    return this.kv.set(table.adapter, table);
  }

  /** Forgets every adapter's table (the next tune re-times). */
  async clear(): Promise<void> {
    for (const k of await this.kv.keys()) await this.kv.del(k);
  }
}
