import { describe, expect, it } from 'vitest';
import { resolveBackend, type BackendStarter } from './backendChoice';
import type { BackendName } from './types';

/** A starter whose backends in `fails` do not start; it records what was tried. */
function starter(fails: BackendName[], why = 'fetching tfjs-backend-wasm-simd.wasm failed: 404') {
  const tried: BackendName[] = [];
  const s: BackendStarter = {
    switchTo: async (name) => {
      tried.push(name);
      return !fails.includes(name);
    },
    wasmFailure: async () => why,
  };
  return { s, tried };
}

describe('resolveBackend', () => {
  it("'auto' takes WebGPU where there is an adapter, wasm where there is none", async () => {
    const a = starter([]);
    expect(await resolveBackend('auto', true, undefined, a.s)).toEqual({ name: 'webgpu' });
    const b = starter([]);
    expect(await resolveBackend('auto', false, 'no adapter', b.s)).toEqual({ name: 'wasm' });
    expect(b.tried).toEqual(['wasm']);
  });

  it("'auto' without an adapter falls back to the CPU backend when wasm fails, saying why", async () => {
    const a = starter(['wasm']);
    expect(await resolveBackend('auto', false, 'no adapter', a.s)).toEqual({ name: 'cpu', wasmError: 'fetching tfjs-backend-wasm-simd.wasm failed: 404' });
    expect(a.tried).toEqual(['wasm', 'cpu']);
  });

  it('an explicit choice that cannot start is an error, not another backend', async () => {
    await expect(resolveBackend('wasm', true, undefined, starter(['wasm']).s)).rejects.toThrow('fetching tfjs-backend-wasm-simd.wasm failed: 404');
    await expect(resolveBackend('webgpu', false, 'requesting a WebGPU adapter failed: none', starter([]).s)).rejects.toThrow('WebGPU is not available: requesting a WebGPU adapter failed: none');
    await expect(resolveBackend('webgpu', true, undefined, starter(['webgpu']).s)).rejects.toThrow('the tfjs webgpu backend failed to start');
    await expect(resolveBackend('auto', false, 'none', starter(['wasm', 'cpu']).s)).rejects.toThrow('the tfjs cpu backend failed to start (after wasm: fetching tfjs-backend-wasm-simd.wasm failed: 404)');
  });
});
