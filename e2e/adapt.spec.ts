// Adaptation in the browser: a tiny English model continues on Icelandic; the target loss falls
// and the English forgetting curve is drawn; a FLOP-matched pair spends equal compute.
import { expect, test } from '@playwright/test';
import { openStudio, showView, TINY_CONFIG, watchConsole } from './helpers';

test('adapting to Icelandic: target loss falls, English is tracked from the parent value', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  const r = await page.evaluate(async (config) => {
    const s = window.studio;
    const base = await s.createModel({ name: 'adapt base', config, seed: 6 });
    const english = await s.train({ from: base, name: 'adapt english', data: [{ corpus: 'eng-brown', weight: 1 }], steps: 15, batchSize: 8, seqLen: 32, lr: 5e-3 }).done;
    const run = s.adapt({ from: english, target: 'udhr-isl', replay: 0.25, steps: 16, batchSize: 8, seqLen: 32, lr: 5e-3, evalEvery: 8, evalPairs: 8, evalTokens: 512 });
    const adapted = await run.done;
    return { metrics: run.metrics(), manifest: await s.checkpoints.get(adapted), runId: run.id };
  }, TINY_CONFIG);
  const evals = r.metrics.filter((m) => m.valid);
  expect(evals.map((m) => m.step)).toEqual([0, 8, 16]);
  expect(evals[2].valid!['udhr-isl']).toBeLessThan(evals[0].valid!['udhr-isl']);
  expect(Object.keys(evals[0].valid!)).toEqual(['udhr-isl', 'eng-brown']);
  expect(Object.keys(evals[0].pairs!).sort()).toEqual(['agreement-eng', 'wordorder-eng-brown', 'wordorder-udhr-isl']);
  const settings = r.manifest.training!.settings;
  expect(settings.adapt).toMatchObject({ target: 'udhr-isl', replay: 0.25, replayCorpus: 'eng-brown' });
  expect(settings.data).toEqual([{ corpus: 'udhr-isl', weight: 0.75 }, { corpus: 'eng-brown', weight: 0.25 }]);
  expect(r.metrics[r.metrics.length - 1].flops).toBe(16 * settings.adapt!.flopsPerStep);

  await showView(page, 'train');
  await page.locator(`[data-testid=run-row][data-id="${r.runId}"]`).click();
  await showView(page, 'adapt');
  await expect(page.getByTestId('chart-forgetting')).toBeVisible();
  await expect(page.getByTestId('chart-forgetting')).toContainText('eng');
  await expect(page.getByTestId('chart-pairs')).toBeVisible();

  // Bad input is refused before anything runs.
  const messages = await page.evaluate(async (from) => {
    const grab = (f: () => unknown) => { try { f(); return 'no error'; } catch (e) { return (e as Error).message; } };
    const common = { from, target: 'udhr-isl', batchSize: 4, seqLen: 32, lr: 1e-3 };
    return [
      grab(() => window.studio.adapt({ ...common, replay: 0.7, steps: 5 })),
      grab(() => window.studio.adapt({ ...common, tokens: 0 })),
      grab(() => window.studio.adapt({ ...common, steps: 5, seqLen: 32, target: 'nope' })),
    ];
  }, r.manifest.id);
  expect(messages[0]).toMatch(/replay must be a share from 0 to 0.5/);
  expect(messages[1]).toMatch(/tokens must be a positive number, got 0/);
  expect(messages[2]).toMatch(/target "nope" is not a known corpus/);
  expect(errors).toEqual([]);
});

test('a FLOP-matched pair gives the small model and its HyperCloned twin equal compute', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  const r = await page.evaluate(async (config) => {
    const s = window.studio;
    const base = await s.createModel({ name: 'pair base', config, seed: 7 });
    const pair = await s.flopMatchedPair({ from: base, target: 'udhr-fao', replay: 0, tokens: 8 * 32 * 12, batchSize: 8, seqLen: 32, lr: 3e-3, evalEvery: 4, evalPairs: 8, evalTokens: 256 });
    const out = await pair.done;
    const runs = await s.runs.list();
    const small = runs.find((x) => x.id === out.small.runId)!;
    const big = runs.find((x) => x.id === out.big.runId)!;
    return { flops: pair.flops, grown: await s.checkpoints.get(pair.grownId), small: { metrics: small.metrics, per: small.settings.adapt!.flopsPerStep }, big: { metrics: big.metrics, per: big.settings.adapt!.flopsPerStep } };
  }, TINY_CONFIG);
  expect(r.grown.config.hidden_size).toBe(64);
  const last = (m: { flops: number }[]) => m[m.length - 1].flops;
  expect(last(r.small.metrics)).toBe(r.flops);
  expect(Math.abs(last(r.big.metrics) - last(r.small.metrics))).toBeLessThan(r.big.per);
  expect(r.big.per).toBeGreaterThan(2.5 * r.small.per);
  expect(errors).toEqual([]);
});
