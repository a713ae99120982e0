// Which tfjs backend a start request ends on, apart from tfjs itself (so it is tested in Node):
// 'auto' takes WebGPU where there is an adapter, else the WebAssembly backend, and the CPU
// backend only when wasm fails to start (a page that cannot fetch or compile its binary); an
// explicit choice that fails to start is an error naming why, never a silent other backend.
import type { BackendName } from './types';

export interface BackendStarter {
  /** Makes `name` tfjs's backend; false when tfjs could not start it. */
  switchTo(name: BackendName): Promise<boolean>;
  /** Why the wasm backend did not start (its binary's fetch or compile error). */
  wasmFailure(): Promise<string>;
}

export interface BackendOutcome {
  name: BackendName;
  /** Set where 'auto' fell back to the CPU backend: why wasm did not start. */
  wasmError?: string;
}

export async function resolveBackend(wanted: BackendName | 'auto', webgpuAvailable: boolean, webgpuError: string | undefined, starter: BackendStarter): Promise<BackendOutcome> {
  if (wanted === 'webgpu' && !webgpuAvailable) throw new Error(`WebGPU is not available: ${webgpuError}`);
  const name: BackendName = wanted === 'auto' ? (webgpuAvailable ? 'webgpu' : 'wasm') : wanted;
  if (await starter.switchTo(name)) return { name };
  if (name !== 'wasm') throw new Error(`the tfjs ${name} backend failed to start`);
  const wasmError = await starter.wasmFailure();
  if (wanted === 'wasm') throw new Error(wasmError);
  if (!(await starter.switchTo('cpu'))) throw new Error(`the tfjs cpu backend failed to start (after wasm: ${wasmError})`);
  return { name: 'cpu', wasmError };
}
