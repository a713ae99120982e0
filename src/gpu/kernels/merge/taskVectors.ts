// The generalized task-arithmetic merge (task arithmetic, TIES, DARE, breadcrumbs, our slack
// TIES) of one tensor on WebGPU, in place of the stock path's stack of ~20 tensor ops and its
// top-k sort:
// - magnitude thresholds (TIES, breadcrumbs) by an exact radix select on the GPU: |θt − θ0| is
//   never stored; three passes of an 11/11/10-bit histogram over its float bits (which order
//   like the values, as they are non-negative) each narrow the prefix of the k-th largest value,
//   and a one-workgroup program picks the digit. No read-back: the threshold stays on the GPU.
// - DARE's random drop draws mulberry32 inside the kernel: draw j of a stream depends only on
//   seed + (j+1)·increment, rounded to float32 exactly as the CPU's Float32Array does.
// - one pass then computes every expert's trimmed, scaled task vector, the sign election, the
//   slack rule, the disjoint mean and the base update per entry, reading each input once.
// Reference: core/merge/taskArithmetic.ts mergeTaskVectors; parity: ./parity.ts.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { mergeTaskVectors, topShareRank, type TaskArithmeticConfig } from '../../../core/merge/taskArithmetic';
import type { TensorMergeInput } from '../../../core/merge/types';
import { MAIN, WORKGROUP_INDEX, registerStudioKernel, runKernel, runProgram } from '../program';

const HISTOGRAM = 'StudioMagnitudeHistogram';
const SELECT = 'StudioRadixSelect';
const COMBINE = 'StudioTaskVectorMerge';

const BINS = 2048;
const THREADS = 256;
/** The float bits in three digits from the top: bits 21-31, 10-20, 0-9. */
const DIGITS = [
  { shift: 21, bits: 11 },
  { shift: 10, bits: 11 },
  { shift: 0, bits: 10 },
];

/** How one expert's task vector is trimmed before the consensus. */
type Trim =
  | { kind: 'all' }
  | { kind: 'none' }
  /** Keep |τ| >= the low threshold (and < the top one when `top`): magnitude and band. */
  | { kind: 'threshold'; low: boolean; top: boolean }
  /** Keep where the noise draw < density (DARE). */
  | { kind: 'random' };

interface CombineSpec {
  experts: number;
  trims: Trim[];
  consensus: TaskArithmeticConfig['consensus'];
  normalize: boolean;
  /** Write the (experts, ...) 0/1 mask of kept entries instead of the merged tensor. */
  keptMask: boolean;
}

function histogramWorkgroups(n: number): number {
  return Math.max(1, Math.min(64, Math.ceil(n / (THREADS * 64))));
}

function register(): void {
  // Histograms of the current digit of |expert − base| for every threshold of the merge at once
  // (the base is read once): threshold t counts the entries of its expert whose higher digits
  // equal its prefix found so far. Each workgroup adds into its own slice of 2048 counts per
  // threshold with atomics, zeroed first: no workgroup memory and no barriers, which SwiftShader
  // runs several times slower.
  registerStudioKernel(HISTOGRAM, (inputs, backend, attrs) => {
    const owners = attrs.owners as number[];
    // Only the experts that own a threshold are bound: WebGPU drops a binding the shader never
    // reads from the pipeline's layout, and tfjs then binds the inputs to the wrong slots (a
    // breadcrumbs merge with one expert at density 1 and gamma 0 histogrammed the wrong expert).
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
    const count = owners.map((owner, t) => `
    if ((a${owner} & highMask) == bitcast<u32>(state[${2 * t}])) { atomicAdd(&result[${t} * uniforms.rowSize + slice + i32((a${owner} >> shift) & digitMask)], 1); }`).join('');
    return runProgram(backend, {
      key: `merge_histogram_${owners.join('_')}`, inputs: names, outputShape: [size], outputDtype: 'int32', workgroup: THREADS, workgroups, atomic: true,
      uniforms: [{ name: 'n', type: 'i32', value: n }, { name: 'rowSize', type: 'i32', value: workgroups * BINS }, { name: 'shift', type: 'i32', value: shift }, { name: 'digitMask', type: 'i32', value: (1 << bits) - 1 }, { name: 'highMask', type: 'i32', value: high }, { name: 'stride', type: 'i32', value: workgroups * THREADS }],
      code: `
${MAIN} {
  let slice = ${WORKGROUP_INDEX} * ${BINS};
  let highMask = bitcast<u32>(uniforms.highMask);
  let shift = u32(uniforms.shift);
  let digitMask = u32(uniforms.digitMask);
  for (var e = index; e < uniforms.n; e += uniforms.stride) {
    let b = base[e];
    ${used.map((i) => `let a${i} = bitcast<u32>(abs(m${i}[e] - b));`).join('\n    ')}${count}
  }
}`,
    }, names.map((k) => inputs[k]), zeros);
  });

  // One workgroup per threshold: sums its per-workgroup histograms, scans the bins from the top
  // and finds the bin holding the rank-th largest entry. State row t = (prefix bits, rank within
  // the prefix) of threshold t, so every threshold of a merge ends in one int32 tensor (tfjs's
  // Concat would round int32 through float32).
  registerStudioKernel(SELECT, ({ hist, state }, backend, attrs) => {
    const { shift } = DIGITS[attrs.digit as number];
    const rows = state.shape[0] / 2;
    const per = BINS / THREADS;
    return runProgram(backend, {
      key: 'merge_select', inputs: ['hist', 'state'], outputShape: state.shape, outputDtype: 'int32', workgroup: THREADS, workgroups: rows,
      uniforms: [{ name: 'workgroups', type: 'i32', value: hist.shape[0] / rows / BINS }, { name: 'shift', type: 'i32', value: shift }],
      code: `
var<workgroup> sums : array<i32, ${THREADS}>;
${MAIN} {
  let tid = i32(localId.x);
  let row = ${WORKGROUP_INDEX};
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
  let rank = state[2 * row + 1];
  var above = sums[tid] - total;
  if (rank > above && rank <= sums[tid]) {
    for (var j = 0; j < ${per}; j++) {
      if (rank <= above + mine[j]) {
        let bin = u32(${BINS - 1} - ${per} * tid - j);
        result[2 * row] = bitcast<i32>(bitcast<u32>(state[2 * row]) | (bin << u32(uniforms.shift)));
        result[2 * row + 1] = rank - above;
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
    const names = ['base', ...Array.from({ length: spec.experts }, (_, i) => `m${i}`), ...('thresholds' in inputs ? ['thresholds'] : [])];
    const n = inputs.base.shape.reduce((a, b) => a * b, 1);
    const values = attrs.values as { name: string; value: number; type: 'i32' | 'f32' }[];
    return runProgram(backend, {
      key: `merge_combine_${JSON.stringify(spec)}`, inputs: names,
      outputShape: spec.keptMask ? [spec.experts, ...inputs.base.shape] : inputs.base.shape,
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

function combineCode(spec: CombineSpec): string {
  const experts = Array.from({ length: spec.experts }, (_, i) => i);
  let slot = 0;
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
      case 'threshold': {
        const keep: string[] = [];
        if (trim.top) keep.push(`a${i} < bitcast<f32>(thresholds[${2 * slot++}])`);
        if (trim.low) keep.push(`a${i} >= bitcast<f32>(thresholds[${2 * slot++}])`);
        mask = keep.length ? `select(0.0, 1.0, ${keep.join(' && ')})` : '1.0';
        break;
      }
    }
    // The same operations, in the same order, as the stock path: (τ · mask) · scale.
    return `
  let t${i} = m${i}[e] - b;
  let a${i} = abs(t${i});
  let k${i} = ${mask};
  let d${i} = t${i} * k${i} * uniforms.scale${i};`;
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
  const write = spec.keptMask ? experts.map((i) => `result[${i} * uniforms.n + e] = ${kept(i)};`).join('\n  ') : 'result[e] = b + mixed * uniforms.lambda;';
  return `
${spec.trims.some((t) => t.kind === 'random') ? UNIFORM_DRAW : ''}
${MAIN} {
  let e = index;
  if (e >= uniforms.n) { return; }
  let b = base[e];
  ${perExpert.join('')}
  ${mix}
  ${write}
}`;
}

/**
 * The bits of the rank-th largest |expert − base| for each request, on the GPU: int32
 * [bits, rank left] per request, in request order. Experts are given by their index in `models`.
 */
function magnitudeThresholds(base: tf.Tensor, models: tf.Tensor[], requests: { expert: number; rank: number }[]): tf.Tensor {
  const owners = requests.map((r) => r.expert);
  const inputs: Record<string, tf.Tensor> = { base };
  for (let i = 0; i <= Math.max(...owners); i++) inputs[`m${i}`] = models[i];
  let state: tf.Tensor = tf.tensor1d(requests.flatMap((r) => [0, r.rank]), 'int32');
  for (let digit = 0; digit < DIGITS.length; digit++) {
    const hist = runKernel(HISTOGRAM, { ...inputs, state }, { digit, owners });
    state = runKernel(SELECT, { hist, state }, { digit });
  }
  return state;
}

/** Storage buffers a program may bind: the inputs and the output. */
function maxBindings(): number {
  return (tf.backend() as unknown as WebGPUBackend).device.limits.maxStorageBuffersPerShaderStage;
}

/**
 * The task-vector merge of one tensor with our kernels; the stock ops when the experts need more
 * storage bindings than the device allows (base, the experts and the thresholds, plus the output).
 * Call inside tf.tidy.
 */
export function taskVectorMergeKernel(cfg: TaskArithmeticConfig, input: TensorMergeInput): tf.Tensor {
  register();
  const base = input.base!;
  const n = base.size;
  const weights = input.perModel.map((p) => p.weight as number);
  const trims: Trim[] = [];
  const thresholds: { expert: number; rank: number }[] = [];
  const values: { name: string; value: number; type: 'i32' | 'f32' }[] = [];
  input.models.forEach((m, i) => {
    const density = (input.perModel[i].density as number | undefined) ?? 1;
    let scale = weights[i];
    switch (cfg.sparsification) {
      case 'none':
        trims.push({ kind: 'all' });
        break;
      case 'magnitude':
        if (density >= 1) trims.push({ kind: 'all' });
        else if (density <= 0) trims.push({ kind: 'none' });
        else {
          trims.push({ kind: 'threshold', low: true, top: false });
          thresholds.push({ expert: i, rank: topShareRank(n, density) });
        }
        break;
      case 'band': {
        const gamma = input.perModel[i].gamma as number;
        const top = gamma > 0;
        const low = density + gamma < 1;
        trims.push({ kind: 'threshold', low, top });
        // In the order combineCode reads them: the top threshold first.
        if (top) thresholds.push({ expert: i, rank: topShareRank(n, gamma) });
        if (low) thresholds.push({ expert: i, rank: topShareRank(n, density + gamma) });
        break;
      }
      case 'random':
        trims.push(density >= 1 ? { kind: 'all' } : { kind: 'random' });
        values.push({ name: `seed${i}`, type: 'i32', value: input.noiseSeed(i) | 0 }, { name: `density${i}`, type: 'f32', value: density });
        scale = weights[i] / Math.min(1, density);
        break;
    }
    values.push({ name: `scale${i}`, type: 'f32', value: scale }, { name: `weight${i}`, type: 'f32', value: weights[i] });
  });
  const bindings = 2 + input.models.length + (thresholds.length ? 1 : 0);
  if (bindings > maxBindings()) return mergeTaskVectors(cfg, input);
  values.push(
    { name: 'lambda', type: 'f32', value: input.global.lambda as number },
    { name: 'weightSum', type: 'f32', value: weights.reduce((a, b) => a + b, 0) },
    { name: 'slack', type: 'f32', value: (input.global.slack as number | undefined) ?? 0 },
  );
  const inputs: Record<string, tf.Tensor> = { base };
  input.models.forEach((m, i) => (inputs[`m${i}`] = m));
  if (thresholds.length) inputs.thresholds = magnitudeThresholds(base, input.models, thresholds);
  const spec: CombineSpec = { experts: input.models.length, trims, consensus: cfg.consensus, normalize: Boolean(input.global.normalize), keptMask: false };
  if (input.reportKept) input.reportKept(runKernel(COMBINE, inputs, { spec: { ...spec, keptMask: true }, values }));
  return runKernel(COMBINE, inputs, { spec, values });
}
