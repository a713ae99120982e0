// Building the engine's Kernels value (in Node: nothing here runs a GPU program): the CPU gets the
// reference itself; WebGPU in 'studio' mode gets every kernel of the list that applies, 'stock'
// none; precision and switched-off kernels build other values; bad choices are refused by name.
// Also: each kernel folder declares its entry and the list holds every folder, and nothing outside
// gpu/tfjsInternals.ts reaches inside tfjs-backend-webgpu.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { referenceKernels } from '../core/kernels';
import { STOCK_MODEL_OPS } from '../core/model/kernels';
import { buildKernels, DEFAULT_KERNEL_CHOICE, kernelChoice, kernelStatus, kernelTarget } from './register';
import { STUDIO_KERNELS } from './kernels';
import { linearKernel, linearKernelHalf } from './kernels/matmul/matmul';
import { fusedAdamWStep } from './kernels/adamw/fusedAdamW';
import { globalNormKernel } from './kernels/gradNorm/sumSquares';
import { taskVectorMergeKernel } from './kernels/merge/taskVectors';

const webgpu = kernelTarget({ name: 'webgpu', adapter: 'Google SwiftShader' });

describe('buildKernels', () => {
  it('gives the CPU backend the reference value itself', () => {
    expect(buildKernels(kernelTarget({ name: 'cpu' }), DEFAULT_KERNEL_CHOICE)).toBe(referenceKernels);
  });

  it("installs every applicable kernel on WebGPU in 'studio' mode, none in 'stock'", () => {
    const k = buildKernels(webgpu, DEFAULT_KERNEL_CHOICE);
    expect(k.name).toBe('webgpu-studio');
    expect(k.model.linear).toBe(linearKernel);
    expect(k.adamW).toBe(fusedAdamWStep);
    expect(k.globalNorm).toBe(globalNormKernel);
    expect(k.mergeTaskVectors).toBe(taskVectorMergeKernel);
    for (const op of Object.keys(STOCK_MODEL_OPS) as (keyof typeof STOCK_MODEL_OPS)[]) expect(k.model[op], op).not.toBe(STOCK_MODEL_OPS[op]);
    const stock = buildKernels(webgpu, kernelChoice('stock'));
    expect(stock.name).toBe('webgpu-stock');
    expect(stock.model).toEqual(STOCK_MODEL_OPS);
    expect(stock.adamW).toBeUndefined();
    // Building another value changes nothing in the first.
    expect(k.model.linear).toBe(linearKernel);
  });

  it('swaps the linear-layer kernel with the precision, and gives the stock ops where one is off', () => {
    expect(buildKernels(webgpu, kernelChoice('studio', [], 'f16')).model.linear).toBe(linearKernelHalf);
    expect(buildKernels(webgpu, kernelChoice('studio', ['matmul'], 'f16')).model.linear).toBe(STOCK_MODEL_OPS.linear);
    const noAttention = buildKernels(webgpu, kernelChoice('studio', ['attention', 'adamw']));
    expect(noAttention.model.causalAttention).toBe(STOCK_MODEL_OPS.causalAttention);
    expect(noAttention.adamW).toBeUndefined();
    expect(noAttention.model.linear).toBe(linearKernel);
  });

  it('reports which kernels a choice uses, and the row layout of the adapter', () => {
    const s = kernelStatus(webgpu, kernelChoice('studio', ['rope'], 'f16'));
    expect(s).toMatchObject({ mode: 'studio', precision: 'f16', off: ['rope'], rowLayout: 'thread' });
    expect(s.kernels.filter((k) => !k.active).map((k) => k.id)).toEqual(['matmul', 'rope']);
    expect(kernelStatus(kernelTarget({ name: 'webgpu', adapter: 'NVIDIA Hopper' }), DEFAULT_KERNEL_CHOICE).rowLayout).toBe('workgroup');
    expect(kernelStatus(kernelTarget({ name: 'cpu' }), DEFAULT_KERNEL_CHOICE).kernels.some((k) => k.active)).toBe(false);
  });

  it('refuses a bad choice, naming what is allowed', () => {
    expect(() => kernelChoice('fast')).toThrow(`kernel mode must be 'studio' or 'stock', got "fast"`);
    expect(() => kernelChoice('studio', [], 'f8')).toThrow(`precision must be 'f32' or 'f16', got "f8"`);
    expect(() => kernelChoice('studio', ['matmul', 'flash'])).toThrow(`unknown kernel "flash"; kernels are ${STUDIO_KERNELS.map((k) => k.id).join(', ')}`);
  });
});

const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(f) && !f.endsWith('.test.ts') ? [p] : [];
  });

describe('the kernel list', () => {
  it('holds one entry per kernel folder (each folder has an index.ts), ids unique', async () => {
    const root = join('src', 'gpu', 'kernels');
    const folders = readdirSync(root).filter((f) => statSync(join(root, f)).isDirectory());
    const listed = new Set(STUDIO_KERNELS);
    for (const f of folders) {
      const entries = Object.values(await import(`./kernels/${f}/index.ts`));
      expect(entries.length, f).toBeGreaterThan(0);
      for (const e of entries) expect(listed.has(e as never), `${f}/index.ts exports a kernel the list lacks`).toBe(true);
    }
    expect(new Set(STUDIO_KERNELS.map((k) => k.id)).size).toBe(STUDIO_KERNELS.length);
  });
});

describe('tfjs-backend-webgpu internals', () => {
  it('are reached only from gpu/tfjsInternals.ts (backend.ts only loads the package)', () => {
    const internals = /\btensorMap\b|\bcommandEncoder\b|\bsubmitQueue\b|\buploadToGPU\b|\bendComputePassEncoder\b|\.runWebGPUProgram\b|WEBGPU_DEFERRED|\.device\b|tfjs-backend-webgpu['"]/;
    const offenders = sources('src').filter((f) => {
      if (f.endsWith(join('gpu', 'tfjsInternals.ts'))) return false;
      let text = readFileSync(f, 'utf8');
      if (f.endsWith(join('gpu', 'backend.ts'))) text = text.replace("import '@tensorflow/tfjs-backend-webgpu';", '');
      // Comments may name what they avoid.
      text = text.replace(/^\s*(\/\/|\*).*$/gm, '');
      return internals.test(text);
    });
    expect(offenders).toEqual([]);
  });
});
