// What the started tfjs backend is, as gpu/backend.ts reports it. Its own module so that both
// gpu/ (which produces it) and worker/protocol.ts (which carries it to the main thread) import it
// from here: gpu/ never imports from worker/, the one direction the layout allows is worker → gpu.

export type BackendName = 'webgpu' | 'wasm' | 'cpu';

/** Every backend studio.setBackend accepts, fastest first ('auto' tries them in this order). */
export const BACKEND_NAMES: readonly BackendName[] = ['webgpu', 'wasm', 'cpu'];

/** The WebAssembly backend as it runs, from tfjs-wasm's own feature checks. */
export interface WasmFeatures {
  /** Which of tfjs-wasm's binaries runs: threaded-simd needs SIMD and a cross-origin isolated page (SharedArrayBuffer). */
  binary: 'threaded-simd' | 'simd' | 'plain';
  simd: boolean;
  /** Threads of XNNPACK's pool, the engine worker's own included: 1 unless the threaded binary runs, then half the logical cores, 1 to 8 (tfjs-wasm's cap). */
  threads: number;
  /** Whether the page (the engine worker) is cross-origin isolated: our servers' COOP/COEP headers. */
  crossOriginIsolated: boolean;
}

export interface BackendInfo {
  name: BackendName;
  /** WebGPU adapter in words, e.g. "nvidia ampere" or "google swiftshader". */
  adapter?: string;
  webgpuAvailable: boolean;
  /** Why WebGPU is not available, when it is not. */
  webgpuError?: string;
  /** The WebGPU device's buffer limits as tfjs requested them (WebGPU only). */
  limits?: { maxStorageBufferBindingSize: number; maxBufferSize: number };
  /**
   * The bytes one tensor may have, which the engine splits larger weights and logits under
   * (core/model/shards.ts): the device's maxStorageBufferBindingSize, or a smaller limit forced
   * through setBackend's maxBindingBytes (then on any backend); absent: no limit.
   */
  bindingLimit?: { bytes: number; source: 'device' | 'forced' };
  /** SIMD and threads of the WebAssembly backend (wasm only). */
  wasm?: WasmFeatures;
  /** Why 'auto' runs the CPU backend rather than wasm, when the wasm backend failed to start. */
  wasmError?: string;
}
