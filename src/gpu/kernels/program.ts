// How our element-wise and row-wise kernels run inside tfjs-backend-webgpu: each is a
// registered tfjs kernel (so tfjs's profiler names and times it, and it shares tfjs's buffers,
// command encoder and pipeline cache) whose kernelFunc runs a WebGPUProgram we write in WGSL.
// tfjs generates the bindings: input tensors are storage arrays named after `inputs`, the output
// is `result`, sizes we pass arrive as `uniforms.<name>`.
import * as tf from '@tensorflow/tfjs';
import { runWebGPUProgram, type StudioBackend, type WebGPUProgram } from '../tfjsInternals';
import { deviceFeatures, subgroupWidth } from '../features';

type TensorInfo = tf.TensorInfo;

export interface ProgramUniform {
  name: string;
  type: 'i32' | 'f32';
  value: number;
}

export interface KernelProgram {
  /**
   * A readable name for the program (profiles, WGSL errors). It is not trusted to identify the
   * pipeline: the cache key is derived from the generated code itself (see pipelineKey).
   */
  key: string;
  inputs: string[];
  outputShape: number[];
  outputDtype?: 'float32' | 'int32';
  /** Threads per workgroup (x only). */
  workgroup: number;
  /** Workgroups to dispatch (x only; tfjs folds it into y/z past the device limit). */
  workgroups: number;
  uniforms?: ProgramUniform[];
  /**
   * The output is `array<atomic<i32>>` and the program adds into it: runProgram then takes the
   * output tensor (already filled) instead of allocating one.
   */
  atomic?: boolean;
  /**
   * WGSL: module-scope declarations, then `${MAIN}` and the body. Inside, `WORKGROUP_INDEX` is
   * the flat workgroup number, `localId.x` the thread within it, `index` the flat thread number.
   */
  code: string;
}

/** The entry-point header tfjs expects; the body follows in braces. */
export const MAIN = `fn main(index : i32)`;

/** Flat workgroup number, uniform across the workgroup (safe before barriers). */
export const WORKGROUP_INDEX = `i32(workgroupId.x + workgroupId.y * numWorkgroups.x + workgroupId.z * numWorkgroups.x * numWorkgroups.y)`;

/**
 * The pipeline cache key of a program: everything that goes into the WGSL tfjs compiles, i.e. our
 * code, the uniform block (names, types, order), whether the output is atomic, and the output
 * dtype, behind the readable name. tfjs keys its pipeline cache on `shaderKey` plus input/output
 * ranks and dtypes only, so a key written by hand that missed one of these (the fused merge's
 * uniforms changed with its parameters while its code did not: issue 15) made tfjs reuse a
 * pipeline whose uniform layout did not match the data, silently. A key that is the source text
 * cannot collide; the strings are a few kB, hashed by the engine per call (microseconds).
 */
export function pipelineKey(spec: KernelProgram): string {
  return `studio_${spec.key}|${uniformBlock(spec) ?? ''}|${spec.atomic ? 'atomic' : ''}|${spec.outputDtype ?? 'float32'}|${spec.code}`;
}

function uniformBlock(spec: KernelProgram): string | undefined {
  return spec.uniforms?.length ? spec.uniforms.map((u) => `${u.name} : ${u.type},`).join(' ') : undefined;
}

/** The WebGPUProgram tfjs runs for a spec (exported for the key test). */
export class Program {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms?: string;
  size = false;
  atomic: boolean;

  constructor(private readonly spec: KernelProgram, key = pipelineKey(spec)) {
    this.variableNames = spec.inputs;
    this.outputShape = spec.outputShape;
    this.shaderKey = key;
    this.dispatchLayout = { x: spec.outputShape.map((_, i) => i) };
    this.dispatch = [Math.max(1, spec.workgroups), 1, 1];
    this.workgroupSize = [spec.workgroup, 1, 1];
    this.atomic = spec.atomic ?? false;
    this.uniforms = uniformBlock(spec);
  }

  getUserCode(): string {
    return this.spec.code;
  }
}

const checkedBindings = new Set<string>();

/**
 * The inputs a program's code never reads. WebGPU leaves a binding the shader does not use out of
 * the pipeline's layout, and tfjs, which binds inputs by position, then hands the program the
 * wrong buffers, silently: runProgram refuses such a program (checked once per pipeline).
 */
export function unreadInputs(spec: KernelProgram): string[] {
  return spec.inputs.filter((name) => !new RegExp(`\\b${name}\\s*\\[`).test(spec.code));
}

export function runProgram(backend: StudioBackend, spec: KernelProgram, inputs: TensorInfo[], output?: TensorInfo): TensorInfo {
  const key = pipelineKey(spec);
  if (!checkedBindings.has(key)) {
    const unread = unreadInputs(spec);
    if (unread.length) throw new Error(`kernel ${spec.key} binds input(s) ${unread.join(', ')} that its code never reads; bind only what the program uses`);
    checkedBindings.add(key);
  }
  const uniformData = (spec.uniforms ?? []).map((u) => ({ type: u.type === 'i32' ? 'int32' : 'float32', data: [u.value] }));
  return runWebGPUProgram(backend, new Program(spec, key) as unknown as WebGPUProgram, inputs, spec.outputDtype ?? 'float32', uniformData, output);
}

const registered = new Set<string>();

/** Registers a tfjs kernel for the webgpu backend once. */
export function registerStudioKernel(name: string, run: (inputs: Record<string, TensorInfo>, backend: StudioBackend, attrs: Record<string, unknown>) => TensorInfo): void {
  if (registered.has(name)) return;
  registered.add(name);
  tf.registerKernel({
    kernelName: name,
    backendName: 'webgpu',
    // backendName 'webgpu': tfjs hands the kernel its WebGPUBackend.
    kernelFunc: ({ inputs, backend, attrs }) => run(inputs as Record<string, TensorInfo>, backend as unknown as StudioBackend, attrs as Record<string, unknown>),
  });
}

/** Runs a registered kernel through the engine (profiled, tracked by tidy). */
export function runKernel(name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown> = {}): tf.Tensor {
  return tf.engine().runKernel(name, inputs as never, attrs as never) as tf.Tensor;
}

/** Threads per workgroup for row reductions (a power of two: the tree reduction halves it). */
export const ROW_WORKGROUP = 64;

/**
 * WGSL for a tree reduction over a workgroup (`combine` of two values: a sum, a max): `partial`
 * must hold each thread's value; afterwards partial[0] holds the result. Barriers stay in uniform
 * control flow (the loop bound is a constant). Read partial[0], then barrier before reusing it.
 */
function workgroupReduce(partial: string, combine: (a: string, b: string) => string): string {
  const mine = `${partial}[localId.x]`;
  return `
  workgroupBarrier();
  for (var stride = ${ROW_WORKGROUP / 2}u; stride > 0u; stride = stride / 2u) {
    if (localId.x < stride) { ${mine} = ${combine(mine, `${partial}[localId.x + stride]`)}; }
    workgroupBarrier();
  }`;
}

export const workgroupSum = (partial: string): string => workgroupReduce(partial, (a, b) => `${a} + ${b}`);
export const workgroupMax = (partial: string): string => workgroupReduce(partial, (a, b) => `max(${a}, ${b})`);

/**
 * How a row kernel (rows of `uniforms.cols` values, `uniforms.rows` rows) spreads a row over
 * threads. 'workgroup': a workgroup per row, reductions through workgroup memory (what GPUs
 * want: coalesced loads, wide rows). 'thread': a thread per row, no workgroup memory and no
 * barriers, which SwiftShader runs as coroutine switches: RMSNorm's three programs took ~870 ms
 * of a 4 s step of the 1M model with a workgroup per row. 'subgroup' (devices with the
 * `subgroups` feature): a workgroup of one subgroup per row (the adapter's smallest subgroup
 * size, so the workgroup cannot span two), reduced by subgroupAdd/subgroupMax: no workgroup
 * memory, no barriers, coalesced loads.
 */
export type RowLayout = 'workgroup' | 'thread' | 'subgroup';

/** The layout for an adapter: a thread per row on software adapters (SwiftShader). */
export function rowLayoutFor(adapter: string | undefined): RowLayout {
  return adapter && /swiftshader|llvmpipe|software/i.test(adapter) ? 'thread' : 'workgroup';
}

/** The row layouts the started device can run: 'subgroup' only with the subgroups feature. */
export function deviceRowLayouts(): RowLayout[] {
  return deviceFeatures().subgroups ? ['workgroup', 'thread', 'subgroup'] : ['workgroup', 'thread'];
}

/** The pieces of a row kernel's WGSL for one layout. */
export interface RowKernel {
  layout: RowLayout;
  workgroup: number;
  workgroups(rows: number): number;
  /** Module-scope declarations (the reduction buffer). */
  declarations: string;
  /**
   * Defines the row (clamped so that barriers stay uniform), whether it is real (`valid`), the
   * thread's first column `tid` and the row's first element `base`. Loop over the row's columns
   * with `for (var c = tid; c < uniforms.cols; c += ${'${stride}'})`.
   */
  header: string;
  stride: number;
  /** Code defining `let out` = the sum (or max) of each thread's `value` over the row. */
  sum(value: string, out: string): string;
  max(value: string, out: string): string;
}

/** A row per workgroup (the 'workgroup' and 'subgroup' layouts): the row is the workgroup's index, tid the thread's. */
const ROW_PER_WORKGROUP_HEADER = `
  let rowRaw = ${WORKGROUP_INDEX};
  let valid = rowRaw < uniforms.rows;
  let row = min(rowRaw, uniforms.rows - 1);
  let tid = i32(localId.x);
  let base = row * uniforms.cols;`;

export function rowKernel(layout: RowLayout): RowKernel {
  if (layout === 'subgroup') {
    const width = subgroupWidth();
    return {
      layout, workgroup: width, workgroups: (rows) => rows, stride: width,
      // Hoisted above tfjs's header when the module is compiled (tfjsInternals.ts hoistEnables).
      declarations: 'enable subgroups;',
      header: ROW_PER_WORKGROUP_HEADER,
      sum: (value, out) => `let ${out} = subgroupAdd(${value});`,
      max: (value, out) => `let ${out} = subgroupMax(${value});`,
    };
  }
  if (layout === 'thread') {
    return {
      layout, workgroup: ROW_WORKGROUP, workgroups: (rows) => Math.ceil(rows / ROW_WORKGROUP), declarations: '', stride: 1,
      header: `
  let valid = index < uniforms.rows;
  let row = min(index, uniforms.rows - 1);
  let tid = 0;
  let base = row * uniforms.cols;`,
      sum: (value, out) => `let ${out} = ${value};`,
      max: (value, out) => `let ${out} = ${value};`,
    };
  }
  const reduce = (combine: (p: string) => string) => (value: string, out: string) => `
  partial[localId.x] = ${value};
  ${combine('partial')}
  let ${out} = partial[0];
  workgroupBarrier();`;
  return {
    layout, workgroup: ROW_WORKGROUP, workgroups: (rows) => rows, stride: ROW_WORKGROUP,
    declarations: `var<workgroup> partial : array<f32, ${ROW_WORKGROUP}>;`,
    header: ROW_PER_WORKGROUP_HEADER,
    sum: reduce(workgroupSum),
    max: reduce(workgroupMax),
  };
}

/** An op with our own backward pass (tf.customGrad with the inputs as an array). */
export function customOp(
  f: (inputs: tf.Tensor[], save: tf.GradSaveFunc) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] },
): (...inputs: tf.Tensor[]) => tf.Tensor {
  const op = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => f(args.slice(0, -1) as tf.Tensor[], args[args.length - 1] as tf.GradSaveFunc)) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (...inputs) => op(...inputs);
}
