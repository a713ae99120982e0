// The tuner's bookkeeping in Node, with a measurer that returns given times instead of timing a
// GPU: the first tune of a shape times it and stores the table; a new tuner on the same adapter
// and store (a reload) uses the stored choice without timing; another adapter re-times; force
// re-times; a candidate that fails parity is never chosen; the run policy.
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../storage/kv';
import { KernelTuningStore } from '../../storage/kernelTuning';
import type { KernelParity } from '../kernels/parity';
import { TUNED_KERNELS, type TuneShape, type TuningTable } from './table';
import { AUTOTUNE_MIN_FLOPS, KernelTuner, type Measurer } from './tuner';

const shape: TuneShape = { kernel: 'matmul', m: 512, k: 128, n: 384, transA: false, transB: true };
const rows: TuneShape = { kernel: 'rmsnorm', rows: 512, cols: 128 };

/** Times per candidate; counts the shapes timed and the parity checks. */
function measurer(ms: Record<string, number>, failing: string[] = []) {
  const timed: string[] = [];
  const checked: string[] = [];
  const m: Measurer = {
    async time(s, parity) {
      timed.push(s.kernel);
      const out = [];
      for (const candidate of TUNED_KERNELS[s.kernel]) {
        if (candidate === 'subgroup') {
          out.push({ candidate, samples: [], timer: 'wall' as const, parityOk: false, error: 'no subgroups' });
          continue;
        }
        out.push({ candidate, ms: ms[candidate], samples: [ms[candidate]], timer: 'gpu' as const, parityOk: await parity(candidate) });
      }
      return out;
    },
    async parity(kernel, candidate): Promise<KernelParity> {
      checked.push(`${kernel}:${candidate}`);
      const ok = !failing.includes(candidate);
      return { kernel: `${kernel}:${candidate}`, backend: 'test', maxAbsDiff: ok ? 0 : 1, stockMaxAbsDiff: 0, tolerance: 1e-4, ok };
    },
    unavailable: (_k, c) => (c === 'subgroup' ? 'no subgroups' : undefined),
  };
  return { m, timed, checked };
}

describe('KernelTuner', () => {
  it('times an untimed shape once, stores it, and a reload on the same adapter does not re-time', async () => {
    const kv = memoryStore<TuningTable>();
    const first = measurer({ blocked: 3, tiled: 2, tfjs: 5, workgroup: 4, thread: 1 });
    const tuner = new KernelTuner('google | swiftshader', new KernelTuningStore(kv), first.m);
    const r = await tuner.tune([shape, rows]);
    expect(r.entries.map((e) => [e.bucket, e.chosen, e.timedNow])).toEqual([['matmul NT 512x128x384', 'tiled', true], ['rmsnorm 512x128', 'thread', true]]);
    expect(r.unavailable).toEqual([{ kernel: 'rmsnorm', candidate: 'subgroup', reason: 'no subgroups' }]);
    expect(first.timed).toEqual(['matmul', 'rmsnorm']);
    // Parity once per candidate, however many shapes.
    await tuner.tune([{ ...shape, m: 1024 }]);
    expect(first.checked.filter((c) => c === 'matmul:tiled')).toHaveLength(1);
    expect(kv.map.get('google | swiftshader')?.entries['matmul NT 512x128x384'].chosen).toBe('tiled');

    const reload = measurer({ blocked: 1, tiled: 9, tfjs: 9 });
    const again = new KernelTuner('google | swiftshader', new KernelTuningStore(kv), reload.m);
    expect((await again.current()).choice(shape)).toBe('tiled');
    const r2 = await again.tune([shape]);
    expect(reload.timed).toEqual([]);
    expect(r2.entries[0]).toMatchObject({ chosen: 'tiled', timedNow: false });
    // force re-times, and the new times decide.
    const r3 = await again.tune([shape], true);
    expect(reload.timed).toEqual(['matmul']);
    expect(r3.entries[0]).toMatchObject({ chosen: 'blocked', timedNow: true });
  });

  it('re-times on another adapter, whatever the store holds for the first', async () => {
    const kv = memoryStore<TuningTable>();
    await new KernelTuner('google | swiftshader', new KernelTuningStore(kv), measurer({ blocked: 1, tiled: 2, tfjs: 3 }).m).tune([shape]);
    const other = measurer({ blocked: 3, tiled: 2, tfjs: 1 });
    const gpu = new KernelTuner('nvidia | hopper', new KernelTuningStore(kv), other.m);
    expect((await gpu.current()).choice(shape)).toBeUndefined();
    expect((await gpu.tune([shape])).entries[0].chosen).toBe('tfjs');
    expect(other.timed).toEqual(['matmul']);
    expect([...kv.map.keys()].sort()).toEqual(['google | swiftshader', 'nvidia | hopper']);
    expect(kv.map.get('google | swiftshader')?.entries['matmul NT 512x128x384'].chosen).toBe('blocked');
  });

  it('never chooses a candidate that failed parity, even the fastest', async () => {
    const m = measurer({ blocked: 3, tiled: 0.5, tfjs: 5 }, ['tiled']);
    const r = await new KernelTuner('a', new KernelTuningStore(memoryStore()), m.m).tune([shape]);
    expect(r.entries[0].chosen).toBe('blocked');
    expect(r.parity.find((p) => p.kernel === 'matmul:tiled')?.ok).toBe(false);
  });

  it('forgets the choices on clear', async () => {
    const kv = memoryStore<TuningTable>();
    const tuner = new KernelTuner('a', new KernelTuningStore(kv), measurer({ blocked: 1, tiled: 2, tfjs: 3 }).m);
    await tuner.tune([shape]);
    await tuner.clear();
    expect((await tuner.current()).choice(shape)).toBeUndefined();
    expect(Object.keys(kv.map.get('a')!.entries)).toEqual([]);
  });

  it("tunes runs before they start by policy: 'auto' from a size up on hardware, 'on' always, 'off' never", () => {
    const tuner = new KernelTuner('nvidia hopper', new KernelTuningStore(memoryStore()), measurer({}).m);
    expect(tuner.wants(AUTOTUNE_MIN_FLOPS)).toBe(true);
    expect(tuner.wants(AUTOTUNE_MIN_FLOPS / 2)).toBe(false);
    const software = new KernelTuner('google swiftshader', new KernelTuningStore(memoryStore()), measurer({}).m);
    expect(software.wants(1e15)).toBe(false);
    software.policy = 'on';
    expect(software.wants(1)).toBe(true);
    tuner.policy = 'on';
    expect(tuner.wants(1)).toBe(true);
    tuner.policy = 'off';
    expect(tuner.wants(1e15)).toBe(false);
  });
});
