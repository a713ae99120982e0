// What the started tfjs backend is, as gpu/backend.ts reports it. Its own module so that both
// gpu/ (which produces it) and worker/protocol.ts (which carries it to the main thread) import it
// from here: gpu/ never imports from worker/, the one direction the layout allows is worker → gpu.

export type BackendName = 'webgpu' | 'cpu';

export interface BackendInfo {
  name: BackendName;
  /** WebGPU adapter in words, e.g. "nvidia ampere" or "google swiftshader". */
  adapter?: string;
  webgpuAvailable: boolean;
  /** Why WebGPU is not available, when it is not. */
  webgpuError?: string;
  /** The WebGPU device's buffer limits as tfjs requested them (WebGPU only). */
  limits?: { maxStorageBufferBindingSize: number; maxBufferSize: number };
}
