// The generalized task-arithmetic merge (task arithmetic, TIES, DARE, breadcrumbs with and without
// TIES, our slack TIES) of one tensor on WebGPU, in place of the stock path's stack of ~20 tensor
// ops and its top-k sort, giving the reference's result exactly (mask for mask):
// - magnitude keep counts by rank: the reference keeps the entries of rank < c in the order
//   (|τ| descending, index ascending). An entry is within the top c exactly when |τ| > V, or
//   |τ| = V and its index ≤ I, where V is the c-th largest |τ| and I the index of the last entry
//   equal to V that still fits. Both come from exact radix selects on the GPU, with no read-back:
//   three passes of an 11/11/10-bit histogram over the float bits of |θt − θ0| (which order like
//   the values, as they are non-negative) find V and how many entries equal to V fit; three more
//   over ~index (so the largest key is the smallest index) among the entries equal to V find I.
//   The plan (core/merge/taskArithmetic.ts planTaskVectors, shared with the reference) gives each
//   expert's rank band [from, to): TIES's [0, int(density·n)), breadcrumbs' outlierBand.
// - DARE's random drop draws mulberry32 inside the kernel: draw j of a stream depends only on
//   seed + (j+1)·increment, rounded to float32 exactly as the CPU's Float32Array does.
// - the L1 rescale (Σ|τ| / Σ|τ·mask|) from one pass writing |τ·mask| per expert and two sums.
// - one pass then computes every expert's trimmed, rescaled, weighted task vector, the sign
//   election, the slack rule, the disjoint mean and the base update per entry.
// DELLA's per-row rank probabilities run the stock ops (the reference itself).
// Reference: core/merge/taskArithmetic.ts mergeTaskVectors; parity: ./parity.ts.
import * as tf from '@tensorflow/tfjs';
import { mergeTaskVectors, RESCALE_EPSILON, type TaskVectorPlan } from '../../../core/merge/taskArithmetic';
import type { TensorMergeInput } from '../../../core/merge/types';
import { MAIN, WORKGROUP_INDEX, registerStudioKernel, runKernel, runProgram } from '../program';
import { gpuDevice } from '../../tfjsInternals';

const HISTOGRAM = 'StudioMagnitudeHistogram';
const SELECT = 'StudioRadixSelect';
const COMBINE = 'StudioTaskVectorMerge';

const BINS = 2048;
const THREADS = 256;
/** The 32 key bits in three digits from the top: bits 21-31, 10-20, 0-9. */
const DIGITS = [
  { shift: 21, bits: 11 },
  { shift: 10, bits: 11 },
  { shift: 0, bits: 10 },
];
/**
 * A cut's state: one row of four int32 per cut, [value bits, rank left among the entries equal to
 * the value, ~index bits, rank left]. The value select fills fields 0-1, the index select 2-3.
 */
const ROW = 4;

/** How one expert's trim of the plan runs here: rank bands become cuts of the radix select. */
type Trim =
  | { kind: 'all' }
  | { kind: 'none' }
  /** Keep ranks [from, to): within cut `to` (absent: every entry) and not within cut `from` (absent: none). */
  | { kind: 'rank'; to?: number; from?: number }
  /** Keep where the noise draw < density (DARE). */
  | { kind: 'random' };

/** Where the factor that multiplies an expert's kept entries comes from. */
type Factor = 'uniform' | 'tensor';

interface CombineSpec {
  experts: number;
  trims: Trim[];
  factors: Factor[];
  consensus: TaskVectorPlan['consensus'];
  normalize: boolean;
  /**
   * What to write: the merged tensor; the (experts, ...) 0/1 mask of kept entries after the
   * consensus (diagnostics); or the (experts, ...) |τ · mask| before it (the L1 rescale's sums).
   */
  output: 'merged' | 'kept' | 'sparse';
}

function histogramWorkgroups(n: number): number {
  return Math.max(1, Math.min(64, Math.ceil(n / (THREADS * 64))));
}

function register(): void {
  // Histograms of the current digit for every cut of the merge at once (the base is read once):
  // cut t counts the entries of its expert whose higher key digits equal its prefix so far; in
  // the index phase, only among the entries whose |τ| equals the cut's value. Each workgroup adds
  // into its own slice of 2048 counts per cut with atomics, zeroed first: no workgroup memory and
  // no barriers, which SwiftShader runs several times slower.
  registerStudioKernel(HISTOGRAM, (inputs, backend, attrs) => {
    const owners = attrs.owners as number[];
    const index = attrs.phase === 'index';
    // Only the experts that own a cut are bound: WebGPU drops a binding the shader never reads
    // from the pipeline's layout, and tfjs then binds the inputs to the wrong slots.
    const used = [...new Set(owners)];
    const names = ['base', ...used.map((i) => `m${i}`), 'state'];
    const n = inputs.base.shape.reduce((a, b) => a * b, 1);
    const workgroups = histogramWorkgroups(n);
    const { shift, bits } = DIGITS[attrs.digit as number];
    const high = shift + bits >= 32 ? 0 : (0xffffffff << (shift + bits)) | 0;
    const size = owners.length * workgroups * BINS;
    const zeros = runProgram(backend, {
      key: 'merge_zero', inputs: [], outputShape: [size], outputDtype: 'int32', workgroup: THREADS, workgroups: Math.ceil(size / THREADS),
      uniforms: [{ name: 'n', type: 'i32', value: size }],
      code: `${MAIN} { if (index < uniforms.n) { result[index] = 0; } }`,
    }, []);
    const count = owners.map((owner, t) => {
      const key = index ? 'key' : `a${owner}`;
      const prefix = `(${key} & highMask) == bitcast<u32>(state[${ROW * t + (index ? 2 : 0)}])`;
      const among = index ? `a${owner} == bitcast<u32>(state[${ROW * t}]) && ` : '';
      return `
    if (${among}${prefix}) { atomicAdd(&result[${t} * uniforms.rowSize + slice + i32((${key} >> shift) & digitMask)], 1); }`;
    }).join('');
    return runProgram(backend, {
      key: `merge_histogram_${attrs.phase}`, inputs: names, outputShape: [size], outputDtype: 'int32', workgroup: THREADS, workgroups, atomic: true,
      uniforms: [{ name: 'n', type: 'i32', value: n }, { name: 'rowSize', type: 'i32', value: workgroups * BINS }, { name: 'shift', type: 'i32', value: shift }, { name: 'digitMask', type: 'i32', value: (1 << bits) - 1 }, { name: 'highMask', type: 'i32', value: high }, { name: 'stride', type: 'i32', value: workgroups * THREADS }],
      code: `
${MAIN} {
  let slice = ${WORKGROUP_INDEX} * ${BINS};
  let highMask = bitcast<u32>(uniforms.highMask);
  let shift = u32(uniforms.shift);
  let digitMask = u32(uniforms.digitMask);
  for (var e = index; e < uniforms.n; e += uniforms.stride) {
    let b = base[e];
    ${index ? 'let key = ~u32(e);' : ''}
    ${used.map((i) => `let a${i} = bitcast<u32>(abs(m${i}[e] - b));`).join('\n    ')}${count}
  }
}`,
    }, names.map((k) => inputs[k]), zeros);
  });

  // One workgroup per cut: sums its per-workgroup histograms, scans the bins from the top and
  // finds the bin holding the rank-th largest key. Every cut of a merge stays in one int32 tensor
  // (tfjs's Concat would round int32 through float32); the thread that finds the bin writes the
  // whole row, carrying the other phase's fields, and at the value phase's last digit it starts
  // the index phase with the rank left among the entries equal to the value.
  registerStudioKernel(SELECT, ({ hist, state }, backend, attrs) => {
    const index = attrs.phase === 'index';
    const last = attrs.digit === DIGITS.length - 1;
    const rows = state.shape[0] / ROW;
    const per = BINS / THREADS;
    const field = index ? 2 : 0;
    const found = `bitcast<i32>(bitcast<u32>(state[r + ${field}]) | (bin << u32(uniforms.shift)))`;
    const write = index
      ? `result[r] = state[r]; result[r + 1] = state[r + 1]; result[r + 2] = ${found}; result[r + 3] = rank - above;`
      : `result[r] = ${found}; result[r + 1] = rank - above; result[r + 2] = state[r + 2]; result[r + 3] = ${last ? 'rank - above' : 'state[r + 3]'};`;
    return runProgram(backend, {
      key: `merge_select_${attrs.phase}`, inputs: ['hist', 'state'], outputShape: state.shape, outputDtype: 'int32', workgroup: THREADS, workgroups: rows,
      uniforms: [{ name: 'workgroups', type: 'i32', value: hist.shape[0] / rows / BINS }, { name: 'shift', type: 'i32', value: DIGITS[attrs.digit as number].shift }],
      code: `
var<workgroup> sums : array<i32, ${THREADS}>;
${MAIN} {
  let tid = i32(localId.x);
  let row = ${WORKGROUP_INDEX};
  let r = ${ROW} * row;
  let first = row * uniforms.workgroups * ${BINS};
  var mine : array<i32, ${per}>;
  var total = 0;
  for (var j = 0; j < ${per}; j++) {
    let bin = ${BINS - 1} - ${per} * tid - j;
    var c = 0;
    for (var w = 0; w < uniforms.workgroups; w++) { c += hist[first + w * ${BINS} + bin]; }
    mine[j] = c;
    total += c;
  }
  sums[tid] = total;
  workgroupBarrier();
  for (var offset = 1; offset < ${THREADS}; offset *= 2) {
    var add = 0;
    if (tid >= offset) { add = sums[tid - offset]; }
    workgroupBarrier();
    sums[tid] += add;
    workgroupBarrier();
  }
  let rank = state[r + ${field + 1}];
  var above = sums[tid] - total;
  if (rank > above && rank <= sums[tid]) {
    for (var j = 0; j < ${per}; j++) {
      if (rank <= above + mine[j]) {
        let bin = u32(${BINS - 1} - ${per} * tid - j);
        ${write}
        break;
      }
      above += mine[j];
    }
  }
}`,
    }, [hist, state]);
  });

  registerStudioKernel(COMBINE, (inputs, backend, attrs) => {
    const spec = attrs.spec as CombineSpec;
    const names = ['base', ...Array.from({ length: spec.experts }, (_, i) => `m${i}`), ...['cuts', 'factors'].filter((k) => k in inputs)];
    const n = inputs.base.shape.reduce((a, b) => a * b, 1);
    const values = attrs.values as { name: string; value: number; type: 'i32' | 'f32' }[];
    return runProgram(backend, {
      key: `merge_combine_${spec.output}`, inputs: names,
      outputShape: spec.output === 'merged' ? inputs.base.shape : [spec.experts, ...inputs.base.shape],
      workgroup: THREADS, workgroups: Math.ceil(n / THREADS),
      uniforms: [{ name: 'n', type: 'i32', value: n }, ...values],
      code: combineCode(spec),
    }, names.map((k) => inputs[k]));
  });
}

/** mulberry32's (j+1)-th draw of a stream, as core/rng.ts uniformStream rounds it to float32. */
const UNIFORM_DRAW = `
fn unitF32(r : u32) -> f32 {
  // r / 2^32 rounded to nearest even float32, as a Float32Array stores the CPU's double.
  if (r < 16777216u) { return ldexp(f32(r), -32); }
  let shift = firstLeadingBit(r) - 23u;
  var mant = r >> shift;
  let rest = r & ((1u << shift) - 1u);
  let half = 1u << (shift - 1u);
  if (rest > half || (rest == half && (mant & 1u) == 1u)) { mant += 1u; }
  return ldexp(f32(mant), i32(shift) - 32);
}
fn uniformDraw(seed : u32, j : u32) -> f32 {
  var t = seed + (j + 1u) * 0x6d2b79f5u;
  t = (t ^ (t >> 15u)) * (t | 1u);
  t = t ^ (t + (t ^ (t >> 7u)) * (t | 61u));
  return unitF32(t ^ (t >> 14u));
}`;

/** Whether entry e (its |τ| bits in `a`) is among the top entries of cut s. */
const WITHIN_CUT = `
fn withinCut(a : u32, e : u32, s : i32) -> bool {
  let v = bitcast<u32>(cuts[${ROW} * s]);
  return a > v || (a == v && e <= ~bitcast<u32>(cuts[${ROW} * s + 2]));
}`;

function combineCode(spec: CombineSpec): string {
  const experts = Array.from({ length: spec.experts }, (_, i) => i);
  const perExpert = experts.map((i) => {
    const trim = spec.trims[i];
    let mask: string;
    switch (trim.kind) {
      case 'all':
        mask = '1.0';
        break;
      case 'none':
        mask = '0.0';
        break;
      case 'random':
        mask = `select(0.0, 1.0, uniformDraw(bitcast<u32>(uniforms.seed${i}), u32(e)) < uniforms.density${i})`;
        break;
      case 'rank': {
        const keep = [
          ...(trim.to !== undefined ? [`withinCut(a${i}, u32(e), ${trim.to})`] : []),
          ...(trim.from !== undefined ? [`!withinCut(a${i}, u32(e), ${trim.from})`] : []),
        ];
        mask = keep.length ? `select(0.0, 1.0, ${keep.join(' && ')})` : '1.0';
        break;
      }
    }
    const factor = spec.factors[i] === 'tensor' ? `factors[${i}]` : `uniforms.factor${i}`;
    // The same operations, in the same order, as the stock path: ((τ · mask) · factor) · weight.
    // The sparse pass (the rescale's own input) writes |τ · mask| and needs no factor.
    return `
  let t${i} = m${i}[e] - b;
  let a${i} = bitcast<u32>(abs(t${i}));
  let k${i} = ${mask};${spec.output === 'sparse' ? '' : `
  let d${i} = t${i} * k${i} * ${factor} * uniforms.weight${i};`}`;
  });
  // Sums run left to right, as the CPU reference sums over the expert axis.
  const sum = (term: (i: number) => string) => experts.map(term).reduce((acc, t) => `(${acc} + ${t})`, '0.0');
  let mix: string;
  let kept: (i: number) => string;
  if (spec.consensus === 'none') {
    mix = `
  var mixed = ${sum((i) => `d${i}`)};
  ${spec.normalize ? 'mixed = mixed / uniforms.weightSum;' : ''}`;
    kept = (i) => `k${i}`;
  } else {
    const agreement = experts.map((i) =>
      spec.consensus === 'slack'
        ? `let g${i} = select(select(0.0, 1.0, d${i} != 0.0), select(0.0, 1.0, sign(d${i}) == elected), decisive);`
        : `let g${i} = select(0.0, 1.0, sign(d${i}) == elected);`,
    );
    mix = `
  let total = ${sum((i) => `d${i}`)};
  let elected = select(-1.0, 1.0, total >= 0.0);
  ${spec.consensus === 'slack' ? `let decisive = abs(total) >= ${sum((i) => `abs(d${i})`)} * uniforms.slack;` : ''}
  ${agreement.join('\n  ')}
  var mixed = ${sum((i) => `d${i} * g${i}`)};
  ${spec.normalize ? `let divisor = ${sum((i) => `uniforms.weight${i} * g${i}`)};
  mixed = mixed / select(divisor, 1.0, divisor == 0.0);` : ''}`;
    kept = (i) => `k${i} * g${i}`;
  }
  let write: string;
  if (spec.output === 'sparse') write = experts.map((i) => `result[${i} * uniforms.n + e] = abs(t${i} * k${i});`).join('\n  ');
  else if (spec.output === 'kept') write = `${mix}\n  ${experts.map((i) => `result[${i} * uniforms.n + e] = ${kept(i)};`).join('\n  ')}`;
  else write = `${mix}\n  result[e] = b + mixed * uniforms.lambda;`;
  return `
${spec.trims.some((t) => t.kind === 'random') ? UNIFORM_DRAW : ''}
${spec.trims.some((t) => t.kind === 'rank' && (t.to !== undefined || t.from !== undefined)) ? WITHIN_CUT : ''}
${MAIN} {
  let e = index;
  if (e >= uniforms.n) { return; }
  let b = base[e];
  ${perExpert.join('')}
  ${write}
}`;
}

/**
 * The cuts' state on the GPU, one row per request (see ROW), in request order: for request t,
 * the value and index that bound the top `rank` entries of expert `expert`'s |τ|.
 */
function rankCuts(base: tf.Tensor, models: tf.Tensor[], requests: { expert: number; rank: number }[]): tf.Tensor {
  const owners = requests.map((r) => r.expert);
  const inputs: Record<string, tf.Tensor> = { base };
  for (const i of new Set(owners)) inputs[`m${i}`] = models[i];
  let state: tf.Tensor = tf.tensor1d(requests.flatMap((r) => [0, r.rank, 0, 0]), 'int32');
  for (const phase of ['value', 'index'] as const) {
    for (let digit = 0; digit < DIGITS.length; digit++) {
      const hist = runKernel(HISTOGRAM, { ...inputs, state }, { digit, owners, phase });
      state = runKernel(SELECT, { hist, state }, { digit, phase });
    }
  }
  return state;
}

/** Storage buffers a program may bind: the inputs and the output. */
function maxBindings(): number {
  return gpuDevice().limits.maxStorageBuffersPerShaderStage;
}

/**
 * The task-vector merge of one planned tensor with our kernels (the plan is the reference's own:
 * core/merge/taskArithmetic.ts planTaskVectors); the stock ops for DELLA and where the experts need
 * more storage bindings than the device allows (base, the experts, the cuts and the rescale
 * factors, plus the output). Call inside tf.tidy.
 */
export function taskVectorMergeKernel(plan: TaskVectorPlan, input: TensorMergeInput): tf.Tensor {
  if (plan.experts.some((e) => e.trim.kind === 'della')) return mergeTaskVectors(plan, input);
  register();
  const base = input.base!;
  const n = base.size;
  const trims: Trim[] = [];
  const factors: Factor[] = [];
  const cuts: { expert: number; rank: number }[] = [];
  /** The cut that bounds the top `rank` entries: undefined for every entry (rank n). */
  const cut = (expert: number, rank: number): number | undefined => {
    if (rank >= n) return undefined;
    cuts.push({ expert, rank });
    return cuts.length - 1;
  };
  const values: { name: string; value: number; type: 'i32' | 'f32' }[] = [];
  plan.experts.forEach(({ trim, rescale, weight }, i) => {
    if (trim.kind === 'all') trims.push({ kind: 'all' });
    else if (trim.kind === 'rank') trims.push(trim.to <= trim.from ? { kind: 'none' } : { kind: 'rank', to: cut(i, trim.to), from: trim.from > 0 ? cut(i, trim.from) : undefined });
    else if (trim.kind === 'random') {
      trims.push({ kind: 'random' });
      values.push({ name: `seed${i}`, type: 'i32', value: trim.seed | 0 }, { name: `density${i}`, type: 'f32', value: trim.density });
    }
    factors.push(rescale === 'l1' ? 'tensor' : 'uniform');
    if (rescale !== 'l1') values.push({ name: `factor${i}`, type: 'f32', value: rescale });
    values.push({ name: `weight${i}`, type: 'f32', value: weight });
  });
  const needsFactors = factors.includes('tensor');
  const bindings = 2 + input.models.length + (cuts.length ? 1 : 0) + (needsFactors ? 1 : 0);
  if (bindings > maxBindings()) return mergeTaskVectors(plan, input);
  values.push(
    { name: 'lambda', type: 'f32', value: plan.lambda },
    { name: 'weightSum', type: 'f32', value: plan.weightSum },
    { name: 'slack', type: 'f32', value: plan.slack },
  );
  const inputs: Record<string, tf.Tensor> = { base };
  input.models.forEach((m, i) => (inputs[`m${i}`] = m));
  if (cuts.length) inputs.cuts = rankCuts(base, input.models, cuts);
  const spec: CombineSpec = { experts: input.models.length, trims, factors, consensus: plan.consensus, normalize: plan.normalize, output: 'merged' };
  if (needsFactors) {
    // mergekit's rescale: Σ|τ| / Σ|τ·mask|, 1 where either is below its epsilon.
    const sparseAbs = runKernel(COMBINE, inputs, { spec: { ...spec, output: 'sparse' }, values });
    const after = tf.sum(tf.reshape(sparseAbs, [input.models.length, n]), 1);
    const before = tf.stack(input.models.map((m) => tf.sum(tf.abs(tf.sub(m, base)))));
    const small = tf.logicalOr(tf.less(before, RESCALE_EPSILON), tf.less(after, RESCALE_EPSILON));
    inputs.factors = tf.where(small, tf.onesLike(before), tf.div(before, tf.maximum(after, RESCALE_EPSILON)));
  }
  if (input.reportKept) input.reportKept(runKernel(COMBINE, inputs, { spec: { ...spec, output: 'kept' }, values }));
  return runKernel(COMBINE, inputs, { spec, values });
}
