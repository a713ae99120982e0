// The engine's kernel tuner: the table of choices for the started adapter (loaded from the store
// the first time, so a reload does not re-time), timing the shapes that are not in it, checking
// each candidate's parity once per device, and saving the table after every change. The engine
// rebuilds its Kernels value from `tuning` after a tune. The store is injected: the worker's
// IndexedDB (storage/kernelTuning.ts) in the browser.
import { deviceFeatures } from '../features';
import type { KernelParity } from '../kernels/parity';
import { candidateParity, timeCandidates, unavailable } from './measure';
import { KernelTuning, shapeBucket, TUNED_KERNELS, type CandidateTiming, type TuneShape, type TunedKernel, type TuningEntry, type TuningTable } from './table';

export interface TuningStore {
  load(adapter: string): Promise<TuningTable | undefined>;
  save(table: TuningTable): Promise<void>;
}

/** When a run's shapes are timed before it starts: 'auto' only on hardware adapters, for runs big enough to repay it. */
export type AutotunePolicy = 'auto' | 'on' | 'off';
export const AUTOTUNE_POLICIES: readonly AutotunePolicy[] = ['auto', 'on', 'off'];

/**
 * 'auto' tunes a run whose forward and backward pass does at least this many FLOPs: below it a
 * step takes milliseconds on a GPU and the seconds of timing would not be repaid (the e2e suites'
 * tiny models stay on the defaults unless a test tunes them).
 */
export const AUTOTUNE_MIN_FLOPS = 1e9;

/**
 * Software adapters, which 'auto' leaves on the defaults: those were measured on SwiftShader (the
 * blocked matmul, a thread per row) and won every shape of the 1M model there, while timing them
 * takes minutes (tfjs's matMul alone up to 1.5 s a call). An explicit tune still times them.
 */
export const isSoftwareAdapter = (adapter: string): boolean => /swiftshader|llvmpipe|software/i.test(adapter);

export interface TuneReport {
  adapter: string;
  /** The entries of the shapes asked for (timed now, or kept from the table). */
  entries: (TuningEntry & { timedNow: boolean })[];
  /** Each candidate's parity on this device, as checked once per engine. */
  parity: KernelParity[];
  /** Candidates that cannot run here, and why (e.g. 'subgroup' without the feature). */
  unavailable: { kernel: TunedKernel; candidate: string; reason: string }[];
  ms: number;
}

/** What measures on the device: ./measure.ts on the GPU; the Node tests give their own timings. */
export interface Measurer {
  time(shape: TuneShape, parity: (candidate: string) => Promise<boolean>, reps: number): Promise<CandidateTiming[]>;
  parity(kernel: TunedKernel, candidate: string): Promise<KernelParity>;
  unavailable(kernel: TunedKernel, candidate: string): string | undefined;
}

export const DEVICE_MEASURER: Measurer = { time: timeCandidates, parity: candidateParity, unavailable };

export class KernelTuner {
  policy: AutotunePolicy = 'auto';
  private tuning?: KernelTuning;
  private readonly parity = new Map<string, KernelParity>();

  constructor(private readonly adapter: string, private readonly store: TuningStore, private readonly measure: Measurer = DEVICE_MEASURER) {}

  /** The table for this adapter, loaded from the store once. */
  async current(): Promise<KernelTuning> {
    if (!this.tuning) this.tuning = KernelTuning.forAdapter(this.adapter, await this.store.load(this.adapter).catch(() => undefined));
    return this.tuning;
  }

  /** The loaded table, if loaded (what buildKernels uses). */
  get loaded(): KernelTuning | undefined {
    return this.tuning;
  }

  private async parityOf(kernel: TunedKernel, candidate: string): Promise<KernelParity> {
    const key = `${kernel}:${candidate}`;
    let p = this.parity.get(key);
    if (!p) {
      p = await this.measure.parity(kernel, candidate);
      this.parity.set(key, p);
    }
    return p;
  }

  /**
   * Times the candidates at every shape whose bucket has no entry (every shape with `force`),
   * records the fastest that passed parity, saves the table; returns the shapes' entries.
   */
  async tune(shapes: readonly TuneShape[], force = false, reps = 5): Promise<TuneReport> {
    const t0 = performance.now();
    const tuning = await this.current();
    const todo = new Set(tuning.untimed(shapes, force).map(shapeBucket));
    for (const shape of tuning.untimed(shapes, force)) {
      const timings = await this.measure.time(shape, async (c) => (await this.parityOf(shape.kernel, c)).ok, reps);
      tuning.record(shape, timings);
    }
    if (todo.size) await this.store.save(tuning.table);
    const kernels = [...new Set(shapes.map((s) => s.kernel))];
    const missing = kernels.flatMap((kernel) => TUNED_KERNELS[kernel].flatMap((candidate) => {
      const reason = this.measure.unavailable(kernel, candidate);
      return reason ? [{ kernel, candidate, reason }] : [];
    }));
    const seen = new Set<string>();
    const entries = shapes.flatMap((s) => {
      const e = tuning.entry(s);
      if (!e || seen.has(e.bucket)) return [];
      seen.add(e.bucket);
      return [{ ...e, timedNow: todo.has(e.bucket) }];
    });
    return { adapter: this.adapter, entries, parity: [...this.parity.values()].filter((p) => kernels.some((k) => p.kernel.startsWith(`${k}:`))), unavailable: missing, ms: performance.now() - t0 };
  }

  /** Forgets this adapter's choices, in memory and in the store. */
  async clear(): Promise<void> {
    this.tuning = KernelTuning.forAdapter(this.adapter);
    await this.store.save(this.tuning.table);
  }

  /** Whether a run of `flopsPerPass` (one forward and backward pass) is tuned before it starts. */
  wants(flopsPerPass: number): boolean {
    return this.policy === 'on' || (this.policy === 'auto' && !isSoftwareAdapter(this.adapter) && flopsPerPass >= AUTOTUNE_MIN_FLOPS);
  }

  status(): { adapter: string; policy: AutotunePolicy; features: ReturnType<typeof deviceFeatures>; entries: TuningEntry[] } {
    return { adapter: this.adapter, policy: this.policy, features: deviceFeatures(), entries: Object.values(this.tuning?.table.entries ?? {}) };
  }
}
