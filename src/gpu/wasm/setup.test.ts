// startBackend in Node, where there is no WebGPU: 'auto' starts the WebAssembly backend (not the
// CPU one) with our kernels and reports its features; 'wasm' and 'cpu' start what they name.
import { afterAll, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { startBackend } from '../backend';

afterAll(() => tf.setBackend('cpu'));

it("'auto' without a WebGPU adapter runs wasm: SIMD, one thread (Node has no threaded tfjs-wasm), our kernels", async () => {
  const info = await startBackend('auto');
  expect(info).toMatchObject({ name: 'wasm', webgpuAvailable: false, wasm: { binary: 'simd', simd: true, threads: 1, crossOriginIsolated: false } });
  expect(info.wasmError).toBeUndefined();
  expect(tf.getBackend()).toBe('wasm');
  // tf.gather's gradient runs: our UnsortedSegmentSum is registered by the start.
  const g = tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, tf.tensor1d([1, 1, 0], 'int32'))))(tf.ones([3, 2])).arraySync());
  expect(g).toEqual([[1, 1], [2, 2], [0, 0]]);
  expect(await startBackend('cpu')).toMatchObject({ name: 'cpu' });
  expect((await startBackend('cpu')).wasm).toBeUndefined();
  expect(await startBackend('wasm')).toMatchObject({ name: 'wasm', wasm: { simd: true } });
  await expect(startBackend('webgpu')).rejects.toThrow(/WebGPU is not available/);
});
