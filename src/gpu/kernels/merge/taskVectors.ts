// The generalized task-arithmetic merge of one tensor on WebGPU where it is exact without a sort:
// task arithmetic (no sparsification) and DARE's random drop (with no rescale or the 1/density
// rule), in place of the stock path's stack of tensor ops:
// - DARE's random drop draws mulberry32 inside the kernel: draw j of a stream depends only on
//   seed + (j+1)·increment, rounded to float32 exactly as the CPU's Float32Array does.
// - one pass then computes every expert's dropped, scaled task vector, the sign election, the
//   slack rule, the disjoint mean and the base update per entry, reading each input once.
// Magnitude keep counts (TIES, breadcrumbs: int(density · n) with ties broken by index), DELLA's
// per-row ranks and the L1 rescale run the stock ops, which are the reference.
// Reference: core/merge/taskArithmetic.ts mergeTaskVectors; parity: ./parity.ts.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { WEIGHT_SUM_EPSILON, mergeTaskVectors, rescaleOf, type TaskArithmeticConfig } from '../../../core/merge/taskArithmetic';
import type { TensorMergeInput } from '../../../core/merge/types';
import { MAIN, registerStudioKernel, runKernel, runProgram } from '../program';

const COMBINE = 'StudioTaskVectorMerge';

const THREADS = 256;

/** How one expert's task vector is trimmed before the consensus. */
type Trim =
  | { kind: 'all' }
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

function register(): void {
  registerStudioKernel(COMBINE, (inputs, backend, attrs) => {
    const spec = attrs.spec as CombineSpec;
    const names = ['base', ...Array.from({ length: spec.experts }, (_, i) => `m${i}`)];
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
  const perExpert = experts.map((i) => {
    const trim = spec.trims[i];
    let mask: string;
    switch (trim.kind) {
      case 'all':
        mask = '1.0';
        break;
      case 'random':
        mask = `select(0.0, 1.0, uniformDraw(bitcast<u32>(uniforms.seed${i}), u32(e)) < uniforms.density${i})`;
        break;
    }
    // The same operations, in the same order, as the stock path: (τ · mask) · scale.
    return `
  let t${i} = m${i}[e] - b;
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

/** Storage buffers a program may bind: the inputs and the output. */
function maxBindings(): number {
  return (tf.backend() as unknown as WebGPUBackend).device.limits.maxStorageBuffersPerShaderStage;
}

/**
 * The task-vector merge of one tensor with our kernel; the stock ops where the kernel is not exact
 * (see the top) or the experts need more storage bindings than the device allows (base and the
 * experts, plus the output). Call inside tf.tidy.
 */
export function taskVectorMergeKernel(cfg: TaskArithmeticConfig, input: TensorMergeInput): tf.Tensor {
  // Exact here: no sparsification, and DARE's drop without rescale or with the 1/density rule.
  // Magnitude keep counts break ties by index (radix select finds the value, not which of the
  // equal entries), DELLA ranks every row and the L1 rescale needs a norm per task vector: those
  // run the stock ops (the reference itself), never an approximation.
  const rescale = rescaleOf(input.global);
  if (cfg.sparsification !== 'none' && cfg.sparsification !== 'random') return mergeTaskVectors(cfg, input);
  if (cfg.sparsification === 'random' && rescale === 'l1') return mergeTaskVectors(cfg, input);
  register();
  const base = input.base!;
  const weights = input.perModel.map((p) => p.weight as number);
  const trims: Trim[] = [];
  const values: { name: string; value: number; type: 'i32' | 'f32' }[] = [];
  input.models.forEach((m, i) => {
    const density = (input.perModel[i].density as number | undefined) ?? 1;
    let scale = weights[i];
    if (cfg.sparsification === 'none' || density >= 1) trims.push({ kind: 'all' });
    else {
      trims.push({ kind: 'random' });
      values.push({ name: `seed${i}`, type: 'i32', value: input.noiseSeed(i) | 0 }, { name: `density${i}`, type: 'f32', value: density });
      if (rescale === 'density' && density > 0) scale = weights[i] / density;
    }
    values.push({ name: `scale${i}`, type: 'f32', value: scale }, { name: `weight${i}`, type: 'f32', value: weights[i] });
  });
  if (2 + input.models.length > maxBindings()) return mergeTaskVectors(cfg, input);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  values.push(
    { name: 'lambda', type: 'f32', value: input.global.lambda as number },
    // mergekit divides by 1 where the weights sum to ~0.
    { name: 'weightSum', type: 'f32', value: Math.abs(weightSum) < WEIGHT_SUM_EPSILON ? 1 : weightSum },
    { name: 'slack', type: 'f32', value: (input.global.slack as number | undefined) ?? 0 },
  );
  const inputs: Record<string, tf.Tensor> = { base };
  input.models.forEach((m, i) => (inputs[`m${i}`] = m));
  const spec: CombineSpec = { experts: input.models.length, trims, consensus: cfg.consensus, normalize: Boolean(input.global.normalize), keptMask: false };
  if (input.reportKept) input.reportKept(runKernel(COMBINE, inputs, { spec: { ...spec, keptMask: true }, values }));
  return runKernel(COMBINE, inputs, { spec, values });
}
