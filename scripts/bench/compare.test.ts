import { describe, expect, it, vi } from 'vitest';
import { compareBackends } from './compare';

const row = (config: string, backend: string, kernels: string, tokensPerSec: number, status = 'ok') => ({ config, backend, kernels, tokensPerSec, status });

describe('compareBackends', () => {
  it("sets one run's backends side by side and the 1M config against the documented PyTorch-CPU figure", () => {
    vi.spyOn(console, 'table').mockImplementation(() => undefined);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const added: unknown[] = [];
    // Figures of a default run on SwiftShader, two cores.
    const rows = [
      row('1M', 'webgpu', 'stock', 28.9), row('1M', 'webgpu', 'studio', 185.1), row('1M', 'webgpu', 'studio-f16', 139.1),
      row('1M', 'cpu', 'stock', 48.9), row('1M', 'wasm', 'stock', 899.3),
      row('tiny', 'webgpu', 'studio', 2283.4), row('tiny', 'wasm', 'stock', 0, 'timeout'), row('tiny', 'cpu', 'stock', 610),
    ];
    const out = compareBackends({ add: (_s: string, e: unknown) => added.push(e) } as never, rows);
    expect(out).toEqual([
      { config: '1M', webgpuStudio: 185.1, wasm: 899.3, cpu: 48.9, wasmOverCpu: 18.39, wasmOverWebgpu: 4.86, webgpuOverCpu: 3.79, pytorchCpuDocumented: '2100-2500', wasmOfPytorch: '36-43%' },
      // A measurement that did not finish is left out, not counted as zero.
      { config: 'tiny', webgpuStudio: 2283.4, wasm: null, cpu: 610, wasmOverCpu: null, wasmOverWebgpu: null, webgpuOverCpu: 3.74 },
    ]);
    expect(added).toEqual(out);
    // One backend alone compares with nothing.
    expect(compareBackends({ add: () => undefined } as never, [row('1M', 'webgpu', 'studio', 185.1)])).toEqual([]);
  });
});
