// The WebAssembly backend in the browser: the page is cross-origin isolated (our COOP/COEP
// headers), so the engine worker runs tfjs-wasm's threaded SIMD binary (its threads start from a
// Blob of the module's source, see vite.config.ts), fetched from the app
// itself; the header offers and shows it; a tiny model trains on it with a falling loss, and its
// loss and gradients match the CPU reference in the same worker. It also times a training step
// of the base-1m preset (batch 8 x 64) on wasm and on the CPU backend, printed, not asserted.
import { expect, test } from '@playwright/test';
import { openStudio, TINY_CONFIG, watchConsole } from './helpers';

/** The base-1m preset (src/core/model/config.ts MODEL_PRESETS), the rest its defaults. */
const BASE_1M_CONFIG = { hidden_size: 128, intermediate_size: 384, num_hidden_layers: 6, num_attention_heads: 4, num_key_value_heads: 2, max_position_embeddings: 256 };

test('setBackend("wasm") trains a tiny model on threaded SIMD WebAssembly, alike the CPU reference', async ({ page }) => {
  const errors = watchConsole(page);
  const wasmRequests: string[] = [];
  page.on('request', (r) => r.url().endsWith('.wasm') && wasmRequests.push(r.url()));
  await openStudio(page);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  // The header offers every backend and switches through the select.
  const choice = page.getByTestId('backend-choice');
  await expect(choice.locator('option')).toHaveText(['WebGPU', 'WebAssembly', 'CPU (plain JS)']);
  await choice.selectOption('wasm');
  await expect(page.getByTestId('backend')).toHaveText(/^wasm · SIMD · \d+ threads?$/);
  const info = await page.evaluate(() => window.studio.backend());
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  expect(info).toMatchObject({ name: 'wasm', wasm: { binary: 'threaded-simd', simd: true, crossOriginIsolated: true } });
  // tfjs-wasm's pool: half the logical cores, 1 to 8 (one thread on a 2-core machine).
  const threads = Math.min(8, Math.max(1, Math.floor(cores / 2)));
  expect(info.wasm!.threads).toBe(threads);
  await expect(page.getByTestId('backend')).toHaveText(`wasm · SIMD · ${threads} ${threads === 1 ? 'thread' : 'threads'}`);
  // The binary came from this origin (Vite's emitted asset), not a CDN.
  expect(wasmRequests.length).toBeGreaterThan(0);
  for (const url of wasmRequests) expect(new URL(url).origin).toBe('http://localhost:4173');
  expect(wasmRequests.some((u) => u.includes('threaded-simd'))).toBe(true);

  const r = await page.evaluate(async (config) => {
    const s = window.studio;
    const parity = await s.checkBackendParity(config, 3);
    const base = await s.createModel({ name: 'wasm tiny', config, seed: 2 });
    const run = s.train({ from: base, data: [{ corpus: 'eng-brown', weight: 1 }], steps: 12, batchSize: 8, seqLen: 32, lr: 1e-2, warmupSteps: 2 });
    await run.done;
    return { parity, losses: run.metrics().map((m) => m.loss).filter((l): l is number => l !== null), backend: (await s.backend()).name };
  }, TINY_CONFIG);
  expect(r.backend).toBe('wasm');
  expect(r.parity.backend).toBe('wasm');
  expect(Math.abs(r.parity.loss.active - r.parity.loss.cpu)).toBeLessThan(1e-5);
  for (const g of r.parity.grads) expect(g.maxAbsDiff, g.name).toBeLessThan(1e-5 + 1e-4 * g.cpuNorm);
  console.log(`wasm tiny run: losses ${r.losses.map((l) => l.toFixed(3)).join(' ')}`);
  expect(r.losses.length).toBe(12);
  for (const l of r.losses) expect(Number.isFinite(l)).toBe(true);
  const head = r.losses.slice(0, 3).reduce((a, b) => a + b) / 3;
  const tail = r.losses.slice(-3).reduce((a, b) => a + b) / 3;
  expect(tail).toBeLessThan(head - 0.3);

  // Back to WebGPU through the header.
  await choice.selectOption('webgpu');
  await expect(page.getByTestId('backend')).toContainText('webgpu');
  expect(errors).toEqual([]);
});

test('tokens/s of a base-1m training step (batch 8 x 64) on wasm and on the CPU backend (printed)', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  const rates = await page.evaluate(async (config) => {
    const s = window.studio;
    const out: Record<string, { tokensPerSecond: number; threads?: number }> = {};
    for (const backend of ['wasm', 'cpu'] as const) {
      const info = await s.setBackend(backend);
      const base = await s.createModel({ name: `1m on ${backend}`, config, seed: 1 });
      const steps = backend === 'wasm' ? 6 : 2;
      const run = s.train({ from: base, data: [{ corpus: 'eng-brown', weight: 1 }], steps, batchSize: 8, seqLen: 64, lr: 1e-3, warmupSteps: 1 });
      await run.done;
      const points = run.metrics().filter((m) => m.step > 0);
      // From the first step's end to the last's: compilation and the first step's warm-up left out.
      const first = points[0];
      const last = points[points.length - 1];
      out[backend] = { tokensPerSecond: (last.tokens - first.tokens) / (last.elapsed - first.elapsed), threads: info.wasm?.threads };
    }
    return out;
  }, BASE_1M_CONFIG);
  console.log(`base-1m, batch 8 x 64: wasm ${rates.wasm.tokensPerSecond.toFixed(0)} tokens/s (${rates.wasm.threads} threads), cpu ${rates.cpu.tokensPerSecond.toFixed(0)} tokens/s`);
  expect(rates.wasm.tokensPerSecond).toBeGreaterThan(0);
  expect(errors).toEqual([]);
});
