// Kernel selection without a GPU: the chosen candidate is the fastest measured among those that
// ran and passed parity; a table is kept per adapter and another adapter starts empty (so it
// re-times); shapes share a choice by bucket; a model's shapes are what its passes run; bad
// shapes are refused naming the field.
import { describe, expect, it } from 'vitest';
import { MODEL_PRESETS } from '../../core/model/config';
import { chooseFastest, KernelTuning, linearProducts, median, modelShapes, shapeBucket, validateTuneShape, type CandidateTiming, type TuneShape } from './table';

const t = (candidate: string, ms: number | undefined, parityOk = true): CandidateTiming => ({ candidate, ms, samples: ms === undefined ? [] : [ms], timer: 'gpu', parityOk });
const product: TuneShape = { kernel: 'matmul', m: 512, k: 128, n: 384, transA: false, transB: true };

describe('chooseFastest', () => {
  it('picks the smallest median time', () => {
    expect(chooseFastest([t('blocked', 3), t('tiled', 1.5), t('tfjs', 9)])).toBe('tiled');
    expect(chooseFastest([t('blocked', 0.7), t('tiled', 1.5), t('tfjs', 0.9)])).toBe('blocked');
    // Ties keep the list's order.
    expect(chooseFastest([t('workgroup', 2), t('thread', 2)])).toBe('workgroup');
  });

  it('never picks a candidate that failed parity or did not run', () => {
    expect(chooseFastest([t('blocked', 3), t('tiled', 0.1, false), t('tfjs', undefined)])).toBe('blocked');
    expect(() => chooseFastest([t('tiled', 1, false), t('subgroup', undefined)])).toThrow('no candidate qualifies: tiled failed parity, subgroup no time');
  });

  it('medians', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow('median of no samples');
  });
});

describe('KernelTuning', () => {
  it('records the fastest as the choice of the shape bucket, and lists only untimed buckets', () => {
    const tuning = KernelTuning.forAdapter('google | swiftshader');
    expect(tuning.choice(product)).toBeUndefined();
    expect(tuning.untimed([product, { ...product }])).toHaveLength(1);
    tuning.record(product, [t('blocked', 4), t('tiled', 6), t('tfjs', 2)], 1);
    expect(tuning.choice(product)).toBe('tfjs');
    // 449 tokens fall in the same bucket as 512; 448 and 513 do not.
    expect(tuning.choice({ ...product, m: 449 })).toBe('tfjs');
    expect(tuning.choice({ ...product, m: 448 })).toBeUndefined();
    expect(tuning.choice({ ...product, m: 513 })).toBeUndefined();
    expect(tuning.untimed([product, { ...product, m: 513 }])).toEqual([{ ...product, m: 513 }]);
    expect(tuning.untimed([product], true)).toEqual([product]);
    // Transposes are part of the bucket.
    expect(tuning.choice({ ...product, transB: false })).toBeUndefined();
  });

  it('uses a stored table for its own adapter only: another adapter starts empty and re-times', () => {
    const a = KernelTuning.forAdapter('google | swiftshader');
    a.record(product, [t('blocked', 1), t('tiled', 2)]);
    const stored = JSON.parse(JSON.stringify(a.table));
    const again = KernelTuning.forAdapter('google | swiftshader', stored);
    expect(again.choice(product)).toBe('blocked');
    expect(again.untimed([product])).toEqual([]);
    const other = KernelTuning.forAdapter('nvidia | hopper', stored);
    expect(other.choice(product)).toBeUndefined();
    expect(other.untimed([product])).toEqual([product]);
    expect(other.table.adapter).toBe('nvidia | hopper');
    // Recording on the loaded copy leaves the stored record alone.
    again.record({ kernel: 'rmsnorm', rows: 512, cols: 128 }, [t('thread', 1)]);
    expect(Object.keys(stored.entries)).toHaveLength(1);
  });
});

describe('shapes', () => {
  it('buckets by kernel, transposes, powers of two up to 64 and multiples of 64 above', () => {
    expect(shapeBucket(product)).toBe('matmul NT 512x128x384');
    expect(shapeBucket({ ...product, transA: true, transB: false, m: 33, n: 65 })).toBe('matmul TN 64x128x128');
    expect(shapeBucket({ kernel: 'rmsnorm', rows: 512, cols: 128 })).toBe('rmsnorm 512x128');
    expect(shapeBucket({ kernel: 'cross-entropy', rows: 3, cols: 259 })).toBe('cross-entropy 4x320');
  });

  it("are a linear layer's three products, a pass's row kernels and its attention", () => {
    expect(linearProducts(512, 128, 384).map((s) => [s.m, s.k, s.n, s.transA, s.transB])).toEqual([[512, 128, 384, false, true], [512, 384, 128, false, false], [384, 512, 128, true, false]]);
    const base = MODEL_PRESETS.find((p) => p.id === 'base-1m')!.config;
    const shapes = modelShapes(base, 512);
    // q/o (128 -> 128), k/v (128 -> 64), gate/up (128 -> 384), down (384 -> 128), head (128 -> 259):
    // 5 distinct layers, 3 products each, all in distinct buckets; then RMSNorm, cross-entropy and
    // attention (512 tokens as 4 sequences of the default 128; 4 query heads on 2 KV heads of 32).
    expect(shapes.filter((s) => s.kernel === 'matmul')).toHaveLength(15);
    expect(new Set(shapes.map(shapeBucket)).size).toBe(18);
    expect(shapes.filter((s) => s.kernel !== 'matmul')).toEqual([
      { kernel: 'rmsnorm', rows: 512, cols: 128 },
      { kernel: 'cross-entropy', rows: 512, cols: 259 },
      { kernel: 'attention', batch: 4, seqLen: 128, queryHeads: 4, kvHeads: 2, headDim: 32 },
    ]);
    // A pass of 2 x 64 tokens; one sequence shorter than the default length; the bucket keeps heads exactly.
    expect(modelShapes(base, 128, 64).at(-1)).toEqual({ kernel: 'attention', batch: 2, seqLen: 64, queryHeads: 4, kvHeads: 2, headDim: 32 });
    expect(modelShapes(base, 32).at(-1)).toMatchObject({ batch: 1, seqLen: 32 });
    expect(shapeBucket({ kernel: 'attention', batch: 3, seqLen: 100, queryHeads: 9, kvHeads: 3, headDim: 64 })).toBe('attention 4x128 9/3x64');
    expect(shapes).toContainEqual({ kernel: 'matmul', m: 512, k: 128, n: 384, transA: false, transB: true });
    expect(shapes).toContainEqual({ kernel: 'matmul', m: 384, k: 512, n: 128, transA: true, transB: false });
  });

  it('refuses bad shapes naming the field and what is allowed', () => {
    expect(validateTuneShape({ kernel: 'matmul', m: 4, k: 5, n: 6 })).toEqual({ kernel: 'matmul', m: 4, k: 5, n: 6, transA: false, transB: false });
    expect(() => validateTuneShape({ kernel: 'conv', m: 1 }, 'shapes[0]')).toThrow('shapes[0].kernel must be one of matmul, rmsnorm, cross-entropy, attention, got "conv"');
    expect(() => validateTuneShape({ kernel: 'matmul', m: 0, k: 5, n: 6 })).toThrow('shape.m must be an integer from 1 to 65536, got 0');
    expect(() => validateTuneShape({ kernel: 'matmul', m: 4, k: 5, n: 6, transB: 'yes' })).toThrow('shape.transB must be true or false, got "yes"');
    expect(() => validateTuneShape({ kernel: 'rmsnorm', rows: 4, cols: 5, m: 3 })).toThrow('shape has unknown field(s) m; rmsnorm shapes have kernel, rows, cols');
    expect(validateTuneShape({ kernel: 'attention', batch: 2, seqLen: 64, queryHeads: 9, kvHeads: 3, headDim: 64 })).toEqual({ kernel: 'attention', batch: 2, seqLen: 64, queryHeads: 9, kvHeads: 3, headDim: 64 });
    expect(() => validateTuneShape({ kernel: 'attention', batch: 2, seqLen: 64, queryHeads: 9, kvHeads: 2, headDim: 64 })).toThrow('shape.queryHeads (9) must be a multiple of shape.kvHeads (2): each KV head serves the same number of query heads');
    expect(() => validateTuneShape({ kernel: 'attention', batch: 2, seqLen: 64, queryHeads: 4, kvHeads: 2, headDim: 512 })).toThrow('shape.headDim must be at most 256, got 512');
    expect(() => validateTuneShape({ kernel: 'attention', batch: 2, seqLen: 64, queryHeads: 4, headDim: 32 })).toThrow('shape.kvHeads must be an integer from 1 to 65536, got undefined');
    expect(() => validateTuneShape({ kernel: 'attention', rows: 4, cols: 5 })).toThrow('shape has unknown field(s) rows, cols; attention shapes have kernel, batch, seqLen, queryHeads, kvHeads, headDim');
    expect(() => validateTuneShape([1, 2])).toThrow('shape must be an object {kernel, ...sizes}, got [1,2]');
  });
});
