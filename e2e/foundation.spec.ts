// The foundation's user flow in headless Chromium with WebGPU: create a tiny model in the UI,
// train it on English, watch the loss fall, reload, and find the checkpoint unchanged.
import { expect, test } from '@playwright/test';
import { openStudio, showView, TINY_CONFIG, watchConsole } from './helpers';

test.describe.configure({ mode: 'serial' });

test('runs on WebGPU and the GPU path agrees with the CPU reference', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  const backend = await page.evaluate(() => window.studio.backend());
  expect(backend.name).toBe('webgpu');
  expect(backend.adapter).toBeTruthy();
  await expect(page.getByTestId('backend')).toContainText('webgpu');
  const parity = await page.evaluate((config) => window.studio.checkBackendParity(config, 3), TINY_CONFIG);
  expect(Math.abs(parity.loss.active - parity.loss.cpu)).toBeLessThan(1e-5);
  expect(Math.abs(parity.gradNorm.active - parity.gradNorm.cpu) / parity.gradNorm.cpu).toBeLessThan(1e-4);
  for (const g of parity.grads) expect(g.maxAbsDiff, g.name).toBeLessThan(1e-5 + 1e-3 * g.cpuNorm);
  expect(errors).toEqual([]);
});

test('create in the UI, train 20 steps, loss falls, checkpoint survives a reload', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);

  // Create the tiny preset from the Create model panel.
  await showView(page, 'models');
  await page.getByTestId('model-name').fill('e2e tiny');
  await page.getByTestId('create-model').click();
  const row = page.getByTestId('checkpoint-row').filter({ hasText: 'e2e tiny' });
  await expect(row).toHaveCount(1);
  const baseId = await row.getAttribute('data-id');
  expect(baseId).toBeTruthy();

  const result = await page.evaluate(async (from) => {
    const run = window.studio.train({ from: from!, name: 'e2e trained', data: [{ corpus: 'eng-brown', weight: 1 }], steps: 20, batchSize: 8, seqLen: 32, lr: 3e-3, warmupSteps: 2, evalEvery: 10, watch: ['eng-brown'], evalTokens: 512, seed: 1 });
    const id = await run.done;
    return { id, metrics: run.metrics() };
  }, baseId);

  const losses = result.metrics.filter((m) => m.loss !== null).map((m) => m.loss as number);
  expect(losses).toHaveLength(20);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  expect(mean(losses.slice(-3))).toBeLessThan(mean(losses.slice(0, 3)) - 0.3);
  const evals = result.metrics.filter((m) => m.valid);
  expect(evals.map((m) => m.step)).toEqual([0, 10, 20]);
  expect(evals[2].valid!['eng-brown']).toBeLessThan(evals[0].valid!['eng-brown']);
  // No tensor leak: the engine holds the same number of tensors after every step.
  const counts = result.metrics.filter((m) => m.step > 1).map((m) => m.numTensors);
  expect(new Set(counts).size).toBe(1);

  await expect(page.getByTestId('checkpoint-row').filter({ hasText: 'e2e trained' })).toHaveCount(1);
  await showView(page, 'train');
  await expect(page.getByTestId('chart-loss')).toBeVisible();
  const before = await page.evaluate((id) => window.studio.validationLoss(id, 'eng-brown'), result.id);
  expect(before).toBeLessThan(5);

  await page.reload();
  await page.evaluate(() => window.studio.ready);
  await expect(page.getByTestId('checkpoint-row').filter({ hasText: 'e2e trained' })).toHaveCount(1);
  const manifest = await page.evaluate((id) => window.studio.checkpoints.get(id), result.id);
  expect(manifest.parents).toEqual([baseId]);
  expect(manifest.training?.metrics).toHaveLength(result.metrics.length);
  const after = await page.evaluate((id) => window.studio.validationLoss(id, 'eng-brown'), result.id);
  expect(after).toBe(before);
  expect(errors).toEqual([]);
});

test('an interrupted run continues from its last snapshot without gaps or duplicates', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  const runId = await page.evaluate(async (config) => {
    const from = await window.studio.createModel({ name: 'resume base', config, seed: 2 });
    const run = window.studio.train({ from, data: [{ corpus: 'udhr-fao', weight: 1 }, { corpus: 'eng-brown', weight: 1 }], steps: 16, batchSize: 4, seqLen: 32, lr: 3e-3, checkpointEvery: 4 });
    // Hold the run once it passes step 8 (steps take tens of milliseconds now: it could finish
    // before the reload), wait for the snapshot after step 8 to be written, then cut the page off.
    while ((run.metrics().at(-1)?.step ?? 0) < 8) await new Promise((r) => setTimeout(r, 5));
    run.pause();
    while (!(await window.studio.runs.list()).find((r) => r.id === run.id && (r.snapshot?.step ?? 0) >= 8)) await new Promise((r) => setTimeout(r, 100));
    return run.id;
  }, TINY_CONFIG);
  await page.reload();
  await page.evaluate(() => window.studio.ready);
  const interrupted = await page.evaluate(async (id) => (await window.studio.runs.list()).find((r) => r.id === id), runId);
  expect(interrupted?.status).toBe('interrupted');
  expect(interrupted!.snapshot!.step).toBeGreaterThanOrEqual(8);
  await showView(page, 'train');
  await expect(page.getByTestId('run-continue')).toBeVisible();

  const resumed = await page.evaluate(async (id) => {
    const run = await window.studio.runs.resume(id);
    const ckpt = await run.done;
    return { ckpt, steps: run.metrics().map((m) => m.step) };
  }, runId);
  expect(resumed.steps).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
  const manifest = await page.evaluate((id) => window.studio.checkpoints.get(id), resumed.ckpt);
  expect(manifest.training?.steps).toBe(16);
  expect(errors).toEqual([]);
});

test('bad arguments are refused with messages that name them', async ({ page }) => {
  await openStudio(page);
  const messages = await page.evaluate(async (config) => {
    const s = window.studio;
    const from = await s.createModel({ name: 'args', config });
    const grab = async (f: () => unknown) => {
      try {
        await f();
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      }
    };
    return [
      await grab(() => s.train({ from, data: [{ corpus: 'eng-brown', weight: 1 }], steps: 5, batchSize: 2, seqLen: 64, lr: 1e-3 })),
      await grab(() => s.train({ from, data: [{ corpus: 'atlantis', weight: 1 }], steps: 5, batchSize: 2, seqLen: 8, lr: 1e-3 })),
      await grab(() => s.createModel({ name: 'x', config: { ...config, num_key_value_heads: 3 } })),
      await grab(() => s.validationLoss('nope', 'eng-brown')),
      await grab(() => s.addCorpus('notes.pdf', 'a\nb')),
    ];
  }, TINY_CONFIG);
  expect(messages[0]).toMatch(/seqLen must be an integer from 2 to 32, got 64/);
  expect(messages[1]).toMatch(/data\[0\]\.corpus "atlantis" is not a known corpus/);
  expect(messages[2]).toMatch(/num_key_value_heads \(3\) must divide config.num_attention_heads \(4\)/);
  expect(messages[3]).toMatch(/no checkpoint with id nope/);
  expect(messages[4]).toMatch(/\.txt.*\.jsonl|\.jsonl.*\.txt/);
});
