// What the tfjs WebAssembly backend needs before gpu/backend.ts starts it, and what it reports
// once started. The .wasm binaries are the app's own files: Vite emits each one (`?url`) beside
// the bundle, in dev, preview and dist alike, and inside the engine worker, so no CDN is asked.
// tfjs-wasm picks the binary itself: threaded SIMD when the page is cross-origin isolated (our
// servers send COOP/COEP, vite.config.ts) and the browser has SharedArrayBuffer, else SIMD, else
// the plain one.
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plainWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimdWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { WasmFeatures } from '../types';
import { registerWasmKernels } from './kernels';

export const WASM_BINARIES = {
  'tfjs-backend-wasm.wasm': plainWasm,
  'tfjs-backend-wasm-simd.wasm': simdWasm,
  'tfjs-backend-wasm-threaded-simd.wasm': threadedSimdWasm,
};

let configured = false;

/**
 * Our kernels for 'wasm' and, in a browser, where the binaries are. Once: tfjs refuses new paths
 * after a start has failed. In Node tfjs-wasm reads the binaries from its own package.
 * The thread count stays tfjs-wasm's: its C++ caps the pool at half the logical cores (at most
 * 8), whatever setThreadsCount asks, so a 2-core machine runs one thread even when isolated.
 */
export function prepareWasm(): void {
  registerWasmKernels();
  if (configured) return;
  if (!tf.env().getBool('IS_NODE')) setWasmPaths(WASM_BINARIES);
  configured = true;
}

/** The binary tfjs-wasm loads here, by its own feature checks (its init() makes the same choice). */
async function chosenBinary(): Promise<WasmFeatures['binary']> {
  const [simd, multithread] = await Promise.all([tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'), tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')]);
  return simd && multithread ? 'threaded-simd' : simd ? 'simd' : 'plain';
}

const BINARY_FILE: Record<WasmFeatures['binary'], keyof typeof WASM_BINARIES> = {
  'threaded-simd': 'tfjs-backend-wasm-threaded-simd.wasm',
  simd: 'tfjs-backend-wasm-simd.wasm',
  plain: 'tfjs-backend-wasm.wasm',
};

/** SIMD, threads and isolation of the started wasm backend. */
export async function wasmFeatures(): Promise<WasmFeatures> {
  const binary = await chosenBinary();
  const crossOriginIsolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  return { binary, simd: binary !== 'plain', threads: getThreadsCount(), crossOriginIsolated };
}

/**
 * Why the wasm backend did not start, as far as we can tell from here: tfjs answers setBackend
 * with false and logs its reason to the console only.
 */
export async function wasmStartFailure(): Promise<string> {
  if (typeof WebAssembly !== 'object') return 'this browser has no WebAssembly';
  if (!tf.env().getBool('IS_NODE')) {
    const url = WASM_BINARIES[BINARY_FILE[await chosenBinary()]];
    const problem = await fetch(url, { method: 'HEAD' }).then((r) => (r.ok ? undefined : `the server answered ${r.status} for ${url}`), (e: Error) => `fetching ${url} failed: ${e.message}`);
    if (problem) return `the tfjs wasm backend could not load its binary: ${problem}`;
  }
  return 'the tfjs wasm backend failed to start (tfjs logged its reason in the console)';
}
