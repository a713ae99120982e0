// Kernel selection, the part that needs no GPU: which shapes a model's hot kernels run at, the
// bucket a shape is stored under, the candidates of each tuned kernel, the choice from measured
// times (the fastest candidate that passed its parity check on this device) and the table of
// choices kept per adapter. The measuring is ./measure.ts; the stored table lives in
// storage/kernelTuning.ts (the engine worker's IndexedDB). Pure: tested in Node.
import type { LlamaConfig } from '../../core/model/config';

/**
 * The kernels that choose among candidates, and their candidates in the order they are tried.
 * matmul: one matrix product of a linear layer (forward x W^T or either gradient product), by
 * our register-blocked kernel, our tiled kernel with workgroup memory, or tfjs's own matMul.
 * rmsnorm and cross-entropy: the row kernels' layouts (program.ts RowLayout), 'subgroup' only
 * where the device has the subgroups feature.
 * attention: causal grouped-query attention, forward and backward, by our fused kernel (online
 * softmax, no (B, heads, T, T) score matrix: attention/causalAttention.ts) or tfjs's composed ops
 * (two batched matMuls and a softmax over the materialized scores: core/model/kernels.ts), which
 * on hardware can win at short sequences, where its matMuls use the whole GPU.
 */
export const TUNED_KERNELS = {
  matmul: ['blocked', 'tiled', 'tfjs'],
  rmsnorm: ['workgroup', 'thread', 'subgroup'],
  'cross-entropy': ['workgroup', 'thread', 'subgroup'],
  attention: ['fused', 'tfjs'],
} as const;

export type TunedKernel = keyof typeof TUNED_KERNELS;
export type MatmulCandidate = (typeof TUNED_KERNELS)['matmul'][number];
export type RowCandidate = (typeof TUNED_KERNELS)['rmsnorm'][number];
export type AttentionCandidate = (typeof TUNED_KERNELS)['attention'][number];

/** A product op(A) op(B), op(A) (m, k), op(B) (k, n), transposes as the linear layer runs them. */
export interface MatmulShape {
  kernel: 'matmul';
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
}

/** Rows of `cols` values (RMSNorm: tokens x hidden; cross-entropy: tokens x vocabulary). */
export interface RowShape {
  kernel: 'rmsnorm' | 'cross-entropy';
  rows: number;
  cols: number;
}

/** Attention over q (batch, seqLen, queryHeads, headDim) and k, v (batch, seqLen, kvHeads, headDim). */
export interface AttentionShape {
  kernel: 'attention';
  batch: number;
  seqLen: number;
  queryHeads: number;
  kvHeads: number;
  headDim: number;
}

export type TuneShape = MatmulShape | RowShape | AttentionShape;

/** The attention shape of q, k tensors (B, T, heads, hd) as the model passes them. */
export function attentionShapeOf(q: readonly number[], k: readonly number[]): AttentionShape {
  return { kernel: 'attention', batch: q[0], seqLen: q[1], queryHeads: q[2], kvHeads: k[2], headDim: q[3] };
}

/** One candidate's measurement at one shape. */
export interface CandidateTiming {
  candidate: string;
  /** Median over the repetitions, ms; absent when the candidate could not run (see error). */
  ms?: number;
  samples: number[];
  /** 'gpu': summed GPU timestamps of its programs; 'wall': wall time around a read-back. */
  timer: 'gpu' | 'wall';
  /** Its parity check against the CPU reference passed on this device. */
  parityOk: boolean;
  /** Timed once only: that call already took several times the best median (measure.ts CUT_FACTOR). */
  cut?: boolean;
  error?: string;
}

export interface TuningEntry {
  bucket: string;
  /** The shape the candidates were timed at (the model's own). */
  shape: TuneShape;
  timings: CandidateTiming[];
  chosen: string;
  /** Date.now() when it was measured. */
  tunedAt: number;
}

/** The choices of one adapter: its identity (vendor, architecture, description: gpu/backend.ts) and the entries by bucket. */
export interface TuningTable {
  adapter: string;
  entries: Record<string, TuningEntry>;
}

/**
 * The size a dimension is bucketed to: the power of two at or above it up to 64, then the next
 * multiple of 64 (the kernels' tiles are 32 or 64 wide, so sizes within one step behave alike).
 */
export function bucketSize(d: number): number {
  return d <= 64 ? 2 ** Math.ceil(Math.log2(Math.max(1, d))) : Math.ceil(d / 64) * 64;
}

/** The key a shape's choice is stored under: its kernel, transposes and bucketed sizes. */
export function shapeBucket(s: TuneShape): string {
  if (s.kernel === 'matmul') return `matmul ${s.transA ? 'T' : 'N'}${s.transB ? 'T' : 'N'} ${bucketSize(s.m)}x${bucketSize(s.k)}x${bucketSize(s.n)}`;
  // Heads and head size exactly: they are constants of our shader and fix its register arrays.
  if (s.kernel === 'attention') return `attention ${bucketSize(s.batch)}x${bucketSize(s.seqLen)} ${s.queryHeads}/${s.kvHeads}x${s.headDim}`;
  return `${s.kernel} ${bucketSize(s.rows)}x${bucketSize(s.cols)}`;
}

export function median(xs: readonly number[]): number {
  if (!xs.length) throw new Error('median of no samples');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * The fastest candidate among those that ran and passed parity; ties go to the earlier one in
 * the list. Throws when none qualifies (the caller keeps the default then).
 */
export function chooseFastest(timings: readonly CandidateTiming[]): string {
  let best: CandidateTiming | undefined;
  for (const t of timings) {
    if (!t.parityOk || t.ms === undefined || !Number.isFinite(t.ms)) continue;
    if (!best || t.ms < best.ms!) best = t;
  }
  if (!best) throw new Error(`no candidate qualifies: ${timings.map((t) => `${t.candidate} ${t.error ?? (t.parityOk ? 'no time' : 'failed parity')}`).join(', ')}`);
  return best.candidate;
}

/** The three products of a linear layer x (tokens, in) W^T, W (out, in): forward, dX = dY W, dW = dY^T X. */
export function linearProducts(tokens: number, inSize: number, out: number): MatmulShape[] {
  return [
    { kernel: 'matmul', m: tokens, k: inSize, n: out, transA: false, transB: true },
    { kernel: 'matmul', m: tokens, k: out, n: inSize, transA: false, transB: false },
    { kernel: 'matmul', m: out, k: tokens, n: inSize, transA: true, transB: false },
  ];
}

/**
 * The sequence length a tuning request at `tokens` tokens per pass assumes when none is given:
 * 128 (the presets' usual training length), or the whole pass when it is shorter.
 */
export const defaultTuneSeqLen = (tokens: number): number => Math.min(tokens, 128);

/**
 * Every tuned kernel's shapes in a training step of `config` at `tokens` tokens per pass, in
 * sequences of `seqLen` (attention's shape: tokens / seqLen sequences, at least one), each bucket once.
 */
export function modelShapes(config: LlamaConfig, tokens: number, seqLen = defaultTuneSeqLen(tokens)): TuneShape[] {
  const d = config.hidden_size;
  const kv = (d / config.num_attention_heads) * config.num_key_value_heads;
  const f = config.intermediate_size;
  const layers: [number, number][] = [[d, d], [d, kv], [d, f], [f, d], [d, config.vocab_size]];
  const shapes: TuneShape[] = [
    ...layers.flatMap(([i, o]) => linearProducts(tokens, i, o)),
    { kernel: 'rmsnorm', rows: tokens, cols: d },
    { kernel: 'cross-entropy', rows: tokens, cols: config.vocab_size },
    { kernel: 'attention', batch: Math.max(1, Math.round(tokens / seqLen)), seqLen, queryHeads: config.num_attention_heads, kvHeads: config.num_key_value_heads, headDim: d / config.num_attention_heads },
  ];
  return KernelTuning.forAdapter('').untimed(shapes);
}

/** The largest size of one dimension a tuning request may name (timing bigger products takes minutes). */
export const MAX_TUNE_DIM = 65536;

const dim = (v: unknown, what: string): number => {
  if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > MAX_TUNE_DIM) throw new Error(`${what} must be an integer from 1 to ${MAX_TUNE_DIM}, got ${JSON.stringify(v)}`);
  return v as number;
};

/** The largest head size a tuning request may name (our attention keeps a head's row in registers). */
export const MAX_TUNE_HEAD_DIM = 256;

const ATTENTION_FIELDS = ['kernel', 'batch', 'seqLen', 'queryHeads', 'kvHeads', 'headDim'];

/**
 * A shape from a request, checked: {kernel: 'matmul', m, k, n, transA?, transB?},
 * {kernel: 'rmsnorm' | 'cross-entropy', rows, cols} or {kernel: 'attention', batch, seqLen, queryHeads, kvHeads, headDim}.
 */
export function validateTuneShape(raw: unknown, where = 'shape'): TuneShape {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${where} must be an object {kernel, ...sizes}, got ${JSON.stringify(raw)}`);
  const r = raw as Record<string, unknown>;
  const kernels = Object.keys(TUNED_KERNELS);
  if (!kernels.includes(r.kernel as string)) throw new Error(`${where}.kernel must be one of ${kernels.join(', ')}, got ${JSON.stringify(r.kernel)}`);
  const allowed = r.kernel === 'matmul' ? ['kernel', 'm', 'k', 'n', 'transA', 'transB'] : r.kernel === 'attention' ? ATTENTION_FIELDS : ['kernel', 'rows', 'cols'];
  const extra = Object.keys(r).filter((k) => !allowed.includes(k));
  if (extra.length) throw new Error(`${where} has unknown field(s) ${extra.join(', ')}; ${r.kernel} shapes have ${allowed.join(', ')}`);
  if (r.kernel === 'matmul') {
    for (const t of ['transA', 'transB']) if (r[t] !== undefined && typeof r[t] !== 'boolean') throw new Error(`${where}.${t} must be true or false, got ${JSON.stringify(r[t])}`);
    return { kernel: 'matmul', m: dim(r.m, `${where}.m`), k: dim(r.k, `${where}.k`), n: dim(r.n, `${where}.n`), transA: r.transA === true, transB: r.transB === true };
  }
  if (r.kernel === 'attention') {
    const shape: AttentionShape = { kernel: 'attention', batch: dim(r.batch, `${where}.batch`), seqLen: dim(r.seqLen, `${where}.seqLen`), queryHeads: dim(r.queryHeads, `${where}.queryHeads`), kvHeads: dim(r.kvHeads, `${where}.kvHeads`), headDim: dim(r.headDim, `${where}.headDim`) };
    if (shape.queryHeads % shape.kvHeads) throw new Error(`${where}.queryHeads (${shape.queryHeads}) must be a multiple of ${where}.kvHeads (${shape.kvHeads}): each KV head serves the same number of query heads`);
    if (shape.headDim > MAX_TUNE_HEAD_DIM) throw new Error(`${where}.headDim must be at most ${MAX_TUNE_HEAD_DIM}, got ${shape.headDim}`);
    return shape;
  }
  return { kernel: r.kernel as RowShape['kernel'], rows: dim(r.rows, `${where}.rows`), cols: dim(r.cols, `${where}.cols`) };
}

/**
 * The choices of one adapter, as the engine holds them. A table stored for another adapter is
 * not used: `forAdapter` starts an empty one, so a different GPU re-times.
 */
export class KernelTuning {
  private constructor(readonly table: TuningTable) {}

  static forAdapter(adapter: string, stored?: TuningTable): KernelTuning {
    return new KernelTuning(stored && stored.adapter === adapter ? { adapter, entries: { ...stored.entries } } : { adapter, entries: {} });
  }

  entry(s: TuneShape): TuningEntry | undefined {
    return this.table.entries[shapeBucket(s)];
  }

  /** The chosen candidate for a shape, or undefined where it was never timed. */
  choice(s: TuneShape): string | undefined {
    return this.entry(s)?.chosen;
  }

  /** The shapes whose bucket has no entry yet (all of them with `force`), each bucket once. */
  untimed(shapes: readonly TuneShape[], force = false): TuneShape[] {
    const seen = new Set<string>();
    return shapes.filter((s) => {
      const b = shapeBucket(s);
      if (seen.has(b) || (!force && this.table.entries[b])) return false;
      seen.add(b);
      return true;
    });
  }

  /** Records a measurement: the fastest qualifying candidate becomes the bucket's choice. */
  record(shape: TuneShape, timings: CandidateTiming[], now = Date.now()): TuningEntry {
    const e: TuningEntry = { bucket: shapeBucket(shape), shape, timings, chosen: chooseFastest(timings), tunedAt: now };
    this.table.entries[e.bucket] = e;
    return e;
  }
}
