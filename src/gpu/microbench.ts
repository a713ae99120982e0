// Device ceilings the benchmark reports our numbers against: the best matmul rate the active
// backend reaches (square products, growing until one takes long enough to time), the rate of
// the model's own linear-layer shape, and the copy bandwidth of the GPU (buffer-to-buffer copies,
// bytes read plus bytes written). Also the throughput of one merge of a large tensor. Wall-clock
// timings around a forced sync: a benchmark, compared within one run, never a test threshold.
import * as tf from '@tensorflow/tfjs';
import type { Kernels } from '../core/kernels';
import { gpuDevice } from './tfjsInternals';
import { planMerge, tensorParams } from '../core/merge/merge';
import { hashString, mulberry32 } from '../core/rng';
import { profileKernels, type KernelTime } from './profile';
import { MAIN, registerStudioKernel, runKernel, runProgram } from './kernels/program';
import { matMulKernel } from './kernels/matmul/matmul';

export interface MatmulRate {
  /** m x k times k x n, `transposeB` as the model's linear layers use it. */
  shape: string;
  /** tfjs's matmul or ours (gpu/kernels/matmul). */
  kernel: 'stock' | 'studio';
  gflops: number;
  ms: number;
}

export interface DeviceCeilings {
  backend: string;
  /** Square products at growing sizes, on tfjs's kernel and ours; the best is the ceiling. */
  matmul: MatmulRate[];
  matmulCeilingGflops: number;
  /** GPU buffer copy, (read + written bytes) / s; absent off WebGPU. */
  copyGBps?: number;
  /**
   * The same through a compute shader (one thread per float reads one and writes one): what an
   * element-wise kernel such as a merge can stream at best. On SwiftShader it is far below the
   * buffer copy, which is a memcpy.
   */
  streamGBps?: number;
}

const STREAM_COPY = 'StudioStreamCopy';

async function streamBandwidth(elements: number, minMs: number): Promise<number> {
  registerStudioKernel(STREAM_COPY, ({ x }, backend) => runProgram(backend, {
    key: 'stream_copy', inputs: ['x'], outputShape: x.shape, workgroup: 256, workgroups: Math.ceil(elements / 256),
    uniforms: [{ name: 'n', type: 'i32', value: elements }],
    code: `${MAIN} { if (index < uniforms.n) { result[index] = x[index]; } }`,
  }, [x]));
  const x = tf.tensor1d(new Float32Array(elements).fill(1));
  try {
    const once = async (n: number) => {
      const outs = Array.from({ length: n }, () => runKernel(STREAM_COPY, { x }));
      await outs[n - 1].data();
      tf.dispose(outs);
    };
    await once(1);
    let reps = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < minMs || reps < 3) {
      await once(3);
      reps += 3;
    }
    return (2 * elements * 4 * reps) / ((performance.now() - t0) * 1e6);
  } finally {
    x.dispose();
  }
}

async function timeMatmul(m: number, k: number, n: number, transposeB: boolean, minMs: number, ours = false): Promise<MatmulRate> {
  const product = (a: tf.Tensor2D, b: tf.Tensor2D) => (ours ? matMulKernel(a, b, false, transposeB) : tf.matMul(a, b, false, transposeB));
  const rand = mulberry32(m * 31 + n);
  const a = tf.tensor2d(Float32Array.from({ length: m * k }, () => rand() - 0.5), [m, k]);
  const b = transposeB ? tf.tensor2d(Float32Array.from({ length: n * k }, () => rand() - 0.5), [n, k]) : tf.tensor2d(Float32Array.from({ length: k * n }, () => rand() - 0.5), [k, n]);
  try {
    const once = async () => {
      const c = product(a, b);
      await c.data();
      c.dispose();
    };
    await once(); // compiles and uploads
    let reps = 0;
    const t0 = performance.now();
    // Several products per sync, so the read-back is a small part of the time.
    while (performance.now() - t0 < minMs || reps < 2) {
      const outs = [0, 1, 2].map(() => product(a, b));
      await outs[2].data();
      tf.dispose(outs);
      reps += 3;
    }
    const ms = (performance.now() - t0) / reps;
    return { shape: `${m}x${k}${transposeB ? 'x(' + n + 'x' + k + ')^T' : 'x' + k + 'x' + n}`, kernel: ours ? 'studio' : 'stock', gflops: (2 * m * k * n) / (ms * 1e6), ms };
  } finally {
    a.dispose();
    b.dispose();
  }
}

async function copyBandwidth(bytes: number, reps: number): Promise<number> {
  const device = gpuDevice();
  const src = device.createBuffer({ size: bytes, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  const dst = device.createBuffer({ size: bytes, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  try {
    const run = async (n: number) => {
      const enc = device.createCommandEncoder();
      for (let i = 0; i < n; i++) enc.copyBufferToBuffer(i % 2 ? dst : src, 0, i % 2 ? src : dst, 0, bytes);
      device.queue.submit([enc.finish()]);
      await device.queue.onSubmittedWorkDone();
    };
    await run(1);
    const t0 = performance.now();
    await run(reps);
    const s = (performance.now() - t0) / 1000;
    return (2 * bytes * reps) / s / 1e9;
  } finally {
    src.destroy();
    dst.destroy();
  }
}

/**
 * Matmul ceiling and copy bandwidth of the active backend. `modelShapes`: the linear-layer
 * products of the configs being benchmarked ([tokens, in, out]), timed as the model runs them.
 */
export async function measureCeilings(modelShapes: [number, number, number][] = [], maxMs = 400): Promise<DeviceCeilings> {
  const matmul: MatmulRate[] = [];
  const webgpu = tf.getBackend() === 'webgpu';
  for (const ours of webgpu ? [false, true] : [false]) {
    for (let n = 128; n <= 4096; n *= 2) {
      const r = await timeMatmul(n, n, n, false, 150, ours);
      matmul.push(r);
      if (r.ms > maxMs) break;
    }
    for (const [m, k, n] of modelShapes) matmul.push(await timeMatmul(m, k, n, true, 150, ours));
  }
  const square = matmul.filter((r) => !r.shape.includes('^T'));
  const out: DeviceCeilings = { backend: tf.getBackend(), matmul, matmulCeilingGflops: Math.max(...square.map((r) => r.gflops)) };
  if (tf.getBackend() === 'webgpu') {
    out.copyGBps = await copyBandwidth(64 << 20, 16);
    out.streamGBps = await streamBandwidth(1 << 22, 300);
  }
  return out;
}

export interface MergeThroughput {
  method: string;
  elements: number;
  experts: number;
  ms: number;
  /** Bytes read (base and experts) plus bytes written, per second. */
  GBps: number;
  /** tfjs programs of one merge, and the slowest kinds (with GPU times where the adapter has them). */
  programs: number;
  kernels: KernelTime[];
}

/** One tensor merged on the active backend, the inputs already resident (as a merge pipeline holds them). */
export async function measureMerge(methodId: string, elements: number, experts: number, params: Record<string, unknown>, kernels: Kernels): Promise<MergeThroughput> {
  const plan = planMerge({ method: methodId, base: 'base', models: Array.from({ length: experts }, (_, i) => ({ id: `m${i}` })), params });
  const rand = mulberry32(elements + experts);
  // Shaped as a weight matrix (rows of 1024): that is what merges see, and some stock kernels
  // cannot dispatch a 1-D tensor of millions of elements.
  const shape = [Math.ceil(elements / 1024), 1024];
  elements = shape[0] * shape[1];
  const draw = (f: () => number) => tf.tensor2d(Float32Array.from({ length: elements }, f), shape as [number, number]);
  const base = draw(() => rand() - 0.5);
  const models = Array.from({ length: experts }, () => draw(() => rand() - 0.5));
  const once = async () => {
    // Synced on one element: the GPU work, not the read-back a merge also pays, is measured.
    const first = tf.tidy(() => tf.slice(plan.method.mergeTensor({ name: 'bench', base, models, ...tensorParams(plan, 'bench', 0), noiseSeed: (i) => hashString(`bench#${i}`) }, kernels), [0, 0], [1, 1]));
    await first.data();
    first.dispose();
  };
  try {
    await once();
    let reps = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 300 || reps < 2) {
      await once();
      reps++;
    }
    const ms = (performance.now() - t0) / reps;
    const profile = await profileKernels(once);
    return { method: methodId, elements, experts, ms, GBps: ((experts + 2) * elements * 4) / (ms * 1e6), programs: profile.programs, kernels: profile.kernels.slice(0, 6) };
  } finally {
    tf.dispose([base, ...models]);
  }
}
