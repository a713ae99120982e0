// Kernels tfjs-backend-wasm 4.22.0 lacks, gets wrong or runs far below its speed for our training
// step, registered for the 'wasm' backend only (every other backend keeps its own). Found by
// training the tiny and base-1m presets on wasm in Node against the CPU backend (kernels.test.ts)
// and by timing them (scripts/wasm-throughput.ts):
//  - UnsortedSegmentSum is not registered at all, and tf.gather's gradient calls it: without it
//    the embedding (model.embed_tokens) has no gradient and no training step runs.
//  - OneHot writes int32 bits whatever dtype is asked, so tf.oneHot(ids, depth, 1, 0, 'float32')
//    holds 1.4e-45 (the int 1 read as a float) where it should hold 1: the target log-probability
//    mask of the loss becomes zero, and so do the loss and every gradient.
//  - BatchMatMul runs XNNPACK only for one untransposed product; with transposeA or transposeB,
//    or a batch of products, it falls back to a plain loop 10-25x slower (0.2-0.4 against 3-5
//    GFLOP/s measured for 512 x 128 x 384). Every linear layer is x W^T and its weight gradient
//    dy^T x, so ours transposes the operand first (one pass over it) and runs the fast product,
//    and splits large batches into single products; the arithmetic is the same up to the order
//    XNNPACK sums in.
// UnsortedSegmentSum and OneHot are plain loops over the tensors in the module's heap, ids
// outside [0, count) ignored as the CPU backend does; a segment sum adds rows in index order, as
// tfjs's CPU kernel does. Both are O(elements), nothing next to a step's matmuls (a one-hot matmul
// segment sum would cost V x N x D).
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** A view of a tensor's data in the module's heap: valid until the next allocation there. */
function heapView(backend: BackendWasm, t: tf.TensorInfo): tf.TypedArray {
  return backend.typedArrayFromHeap(t);
}

/** out[s] = sum of x[r] over rows r with segmentIds[r] = s: x (N, inner...), segmentIds (N) -> (numSegments, inner...). */
function unsortedSegmentSum({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  const wasm = backend as BackendWasm;
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
  if (segmentIds.shape.length !== 1 || segmentIds.shape[0] !== x.shape[0]) {
    throw new Error(`unsortedSegmentSum: segmentIds must be 1-D with one id per row of x (${x.shape[0]}), got shape [${segmentIds.shape}]`);
  }
  const innerShape = x.shape.slice(1);
  const inner = innerShape.reduce((a, b) => a * b, 1);
  // Allocate first: the views below stay valid only while nothing else allocates in the heap.
  const out = wasm.makeOutput([numSegments, ...innerShape], x.dtype);
  const sum = heapView(wasm, out);
  const values = heapView(wasm, x);
  const ids = heapView(wasm, segmentIds);
  sum.fill(0);
  for (let r = 0; r < ids.length; r++) {
    const s = ids[r];
    if (s < 0 || s >= numSegments) continue;
    const src = r * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) sum[dst + j] += values[src + j];
  }
  return out;
}

/** onValue at each index along a new last axis of `depth`, offValue elsewhere, in the asked dtype. */
function oneHot({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  const wasm = backend as BackendWasm;
  const { indices } = inputs as { indices: tf.TensorInfo };
  const { depth, onValue, offValue, dtype } = attrs as unknown as tf.OneHotAttrs;
  const out = wasm.makeOutput([...indices.shape, depth], dtype);
  const res = heapView(wasm, out);
  const ids = heapView(wasm, indices);
  res.fill(offValue);
  for (let e = 0; e < ids.length; e++) if (ids[e] >= 0 && ids[e] < depth) res[e * depth + ids[e]] = onValue;
  return out;
}

/** The backend's own kernels we wrap, kept when ours first replace them (so a second registration wraps the same). */
const stockKernels = new Map<string, tf.KernelConfig>();

function stock(kernelName: string): tf.KernelConfig {
  const k = stockKernels.get(kernelName) ?? tf.getKernel(kernelName, 'wasm');
  if (!k) throw new Error(`tfjs-backend-wasm has no ${kernelName} kernel; import '@tensorflow/tfjs-backend-wasm' before registering ours`);
  return k;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** A new tensor with the last two axes of `x` swapped: (..., r, c) -> (..., c, r). */
function swapLastAxes(backend: BackendWasm, x: tf.TensorInfo): tf.TensorInfo {
  const perm = x.shape.map((_, i) => i);
  [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
  return stock(tf.Transpose).kernelFunc({ inputs: { x }, attrs: { perm }, backend }) as tf.TensorInfo;
}

/** Below this many multiply-adds per product, a batch runs in the stock loop: per product, XNNPACK's set-up costs more than it saves. */
const SPLIT_BATCH_MIN_MACS = 1 << 20;

function batchMatMul(args: KernelArgs): tf.TensorInfo {
  const { inputs, attrs, backend } = args;
  const wasm = backend as BackendWasm;
  const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
  const matMul = stock(tf.BatchMatMul).kernelFunc;
  const [outerA, outerB] = [a.shape.slice(0, -2), b.shape.slice(0, -2)];
  const [batchA, batchB] = [size(outerA), size(outerB)];
  const [m, k] = transposeA ? a.shape.slice(-2).reverse() : a.shape.slice(-2);
  const n = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
  const single = batchA === 1 && batchB === 1;
  // Batches we split: one operand shared, or both with the same batch axes.
  const splittable = batchA === 1 || batchB === 1 || outerA.join() === outerB.join();
  const fastAlready = single && !transposeA && !transposeB;
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || fastAlready || (!single && (!splittable || m * k * n < SPLIT_BATCH_MIN_MACS))) return matMul(args) as tf.TensorInfo;

  const temps: tf.TensorInfo[] = [];
  const keep = (t: tf.TensorInfo) => (temps.push(t), t);
  try {
    const aN = transposeA ? keep(swapLastAxes(wasm, a)) : a; // (..., m, k)
    const bN = transposeB ? keep(swapLastAxes(wasm, b)) : b; // (..., k, n)
    const plain = { transposeA: false, transposeB: false };
    if (single) return matMul({ inputs: { a: aN, b: bN }, attrs: plain, backend }) as tf.TensorInfo;
    // One product per batch entry, each written into its place of (batch..., m, n).
    const outer = batchA >= batchB ? outerA : outerB;
    const out = wasm.makeOutput([...outer, m, n], 'float32');
    for (let i = 0; i < Math.max(batchA, batchB); i++) {
      // Fresh 2-D operands per product: the stock kernel may cache XNNPACK state by tensor id.
      const sliceA = wasm.makeOutput([m, k], 'float32');
      const sliceB = wasm.makeOutput([k, n], 'float32');
      const ia = batchA === 1 ? 0 : i;
      const ib = batchB === 1 ? 0 : i;
      heapView(wasm, sliceA).set(heapView(wasm, aN).subarray(ia * m * k, (ia + 1) * m * k));
      heapView(wasm, sliceB).set(heapView(wasm, bN).subarray(ib * k * n, (ib + 1) * k * n));
      const product = matMul({ inputs: { a: sliceA, b: sliceB }, attrs: plain, backend }) as tf.TensorInfo;
      heapView(wasm, out).set(heapView(wasm, product), i * m * n);
      for (const t of [sliceA, sliceB, product]) wasm.disposeData(t.dataId);
    }
    return out;
  } finally {
    for (const t of temps) wasm.disposeData(t.dataId);
  }
}

export const WASM_KERNELS: tf.KernelConfig[] = [
  { kernelName: tf.UnsortedSegmentSum, backendName: 'wasm', kernelFunc: unsortedSegmentSum },
  { kernelName: tf.OneHot, backendName: 'wasm', kernelFunc: oneHot },
  // The stock kernel's set-up binds its C++ function; ours calls that kernel.
  { kernelName: tf.BatchMatMul, backendName: 'wasm', kernelFunc: batchMatMul, setupFunc: (backend) => stock(tf.BatchMatMul).setupFunc?.(backend) },
];

/**
 * Puts our kernels in tfjs's registry for 'wasm', replacing the backend's own where it has one.
 * Call after '@tensorflow/tfjs-backend-wasm' is imported (its import registers its kernels) and
 * before the backend starts (it runs each kernel's set-up then); calling again changes nothing.
 */
export function registerWasmKernels(): void {
  for (const k of WASM_KERNELS) {
    const current = tf.getKernel(k.kernelName, k.backendName);
    if (current && !stockKernels.has(k.kernelName) && current.kernelFunc !== k.kernelFunc) stockKernels.set(k.kernelName, current);
    if (current) tf.unregisterKernel(k.kernelName, k.backendName);
    tf.registerKernel(k);
  }
}
