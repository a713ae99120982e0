// Kernels tfjs-backend-wasm 4.22.0 lacks or gets wrong for our training step, registered for the
// 'wasm' backend only (every other backend keeps its own). Found by training the tiny preset on
// wasm in Node and comparing loss and gradients with the CPU backend (kernels.test.ts):
//  - UnsortedSegmentSum is not registered at all, and tf.gather's gradient calls it: without it
//    the embedding (model.embed_tokens) has no gradient and no training step runs.
//  - OneHot writes int32 bits whatever dtype is asked, so tf.oneHot(ids, depth, 1, 0, 'float32')
//    holds 1.4e-45 (the int 1 read as a float) where it should hold 1: the target log-probability
//    mask of the loss becomes zero, and so do the loss and every gradient.
// Both are plain loops over the tensors in the module's heap, in the order the CPU backend sums
// (exact for one-hot; a segment sum adds each row in index order, as tfjs's CPU kernel does),
// with ids outside [0, count) ignored, as the CPU backend does. Both are O(elements) and cost
// nothing next to a step's matmuls (a one-hot matmul segment sum would cost V x N x D).
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

export const WASM_KERNELS: tf.KernelConfig[] = [
  { kernelName: tf.UnsortedSegmentSum, backendName: 'wasm', kernelFunc: unsortedSegmentSum },
  { kernelName: tf.OneHot, backendName: 'wasm', kernelFunc: oneHot },
];

/**
 * Puts our kernels in tfjs's registry for 'wasm', replacing the backend's own where it has one.
 * Call after '@tensorflow/tfjs-backend-wasm' is imported (its import registers its kernels);
 * calling again changes nothing.
 */
export function registerWasmKernels(): void {
  for (const k of WASM_KERNELS) {
    if (tf.getKernel(k.kernelName, k.backendName)) tf.unregisterKernel(k.kernelName, k.backendName);
    tf.registerKernel(k);
  }
}
