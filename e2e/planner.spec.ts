// The memory planner before a run starts: the Train form's line follows the batch shape,
// micro-batch and recompute as they are typed and says what studio.planMemory says for the same
// request, its parts on demand; the Adapt form shows it too; studio.planMemory refuses bad input
// naming it; the form has no sideways scroll at 1440 and 1024 px (screenshots in /tmp/shots/planner).
import { expect, type Page, test } from '@playwright/test';
import { openStudio, showView, TINY_CONFIG, watchConsole } from './helpers';

const SHOTS = '/tmp/shots/planner';

/** The plan studio.planMemory gives for this request. */
function apiPlan(page: Page, options: Record<string, unknown>) {
  return page.evaluate((o) => window.studio.planMemory(o), options);
}

test("the Train form's memory line follows seq len, micro-batch and recompute and says what studio.planMemory says", async ({ page }) => {
  const errors = watchConsole(page);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openStudio(page);
  const from = await page.evaluate((config) => window.studio.createModel({ name: 'planner tiny', config, seed: 1 }), TINY_CONFIG);
  await showView(page, 'train');
  const line = page.getByTestId('train-memory-plan');
  const verdict = page.getByTestId('train-memory-plan-verdict');
  const reason = page.getByTestId('train-memory-plan-recompute');

  /** Sets the fields, then checks the line against the API's plan of the same request; returns that plan. */
  async function expectLineMatches(fields: { batchSize: number; seqLen: number; microBatch: number; recompute: 'auto' | 'on' | 'off' }) {
    await page.getByTestId('train-batchSize').fill(String(fields.batchSize));
    await page.getByTestId('train-seqLen').fill(String(fields.seqLen));
    await page.getByTestId('train-microBatch').fill(String(fields.microBatch));
    await page.getByTestId('train-recompute').selectOption(fields.recompute);
    const plan = await apiPlan(page, { from, ...fields });
    await expect(verdict).toHaveText(plan.verdict);
    await expect(reason).toHaveText(` · ${plan.recompute.reason}`);
    await expect(line).toHaveAttribute('data-peak', String(Math.round(plan.chosen.peak)));
    await expect(line).toHaveAttribute('data-fits', String(plan.fits));
    return plan;
  }

  const base = await expectLineMatches({ batchSize: 8, seqLen: 16, microBatch: 0, recompute: 'off' });
  expect(base.verdict).toMatch(/^batch 8 × 16 fits without recompute \(peak [\d.]+ MB\); with it [\d.]+ MB$/);
  expect(base.recompute).toEqual({ mode: 'off', on: false, reason: 'recompute off, as set' });
  // A longer sequence: more activations, a new line.
  const longer = await expectLineMatches({ batchSize: 8, seqLen: 32, microBatch: 0, recompute: 'off' });
  expect(longer.withoutRecompute.activations).toBeGreaterThan(base.withoutRecompute.activations);
  expect(longer.verdict).not.toBe(base.verdict);
  // Micro-batches: passes of 2 rows hold a quarter of the activations, and the line says so.
  const micro = await expectLineMatches({ batchSize: 8, seqLen: 32, microBatch: 2, recompute: 'off' });
  expect(micro.verdict).toMatch(/^batch 8 × 32 in passes of 2 fits/);
  expect(micro.withoutRecompute.activations).toBeCloseTo(longer.withoutRecompute.activations / 4, 0);
  // Recompute on: the chosen step is the one with recompute, and its peak is what the line carries.
  const on = await expectLineMatches({ batchSize: 8, seqLen: 32, microBatch: 2, recompute: 'on' });
  expect(on.recompute.reason).toBe('recompute on, as set');
  expect(on.chosen.peak).toBe(on.withRecompute.peak);
  expect(on.verdict).toMatch(/fits with recompute/);
  // Auto at this size decides off (a pass's activations are far under the threshold), and says why.
  const auto = await expectLineMatches({ batchSize: 8, seqLen: 32, microBatch: 0, recompute: 'auto' });
  expect(auto.recompute.reason).toMatch(/^recompute auto: off, one pass's activation tensors are estimated at [\d.]+ MB \(the tape holds about 6\.5× that, [\d.]+ MB\), not above 256 MiB$/);

  // The parts on demand, in the planner's figures.
  await page.getByText('parts of the step').click();
  const parts = page.getByTestId('train-memory-plan-parts');
  const mb = (b: number) => `${(b / 1e6).toFixed(b < 1e7 ? 2 : 1)} MB`;
  await expect(parts.locator('[data-part="weights"]')).toHaveText(mb(auto.weights));
  await expect(parts.locator('[data-part="optimizer"]')).toHaveText(`${mb(auto.optimizer)} (two moments)`);
  await expect(parts.locator('[data-part="activations"]')).toContainText(`${mb(auto.withRecompute.activations)} with recompute · ${mb(auto.withoutRecompute.activations)} without`);
  await expect(parts.locator('[data-part="peak"]')).toContainText('(this run: without)');
  const backend = await page.evaluate(() => window.studio.backend());
  if (backend.name === 'webgpu') await expect(parts.locator('[data-part="buffer"]')).toContainText('maxStorageBufferBindingSize');

  // Layout: the Train form with the line at two widths, no sideways scroll.
  await page.getByTestId('train-memory-plan').scrollIntoViewIfNeeded();
  for (const width of [1440, 1024]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(200);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `sideways scroll at ${width} px`).toBeLessThanOrEqual(0);
    await page.locator('.train-form').screenshot({ path: `${SHOTS}/train-form-${width}.png` });
    await page.screenshot({ path: `${SHOTS}/train-view-${width}.png` });
  }

  // An invalid field: no line (the field says its problem), and back again when it is fixed.
  await page.getByTestId('train-microBatch').fill('3');
  await expect(line).toHaveCount(0);
  await page.getByTestId('train-microBatch').fill('4');
  await expect(verdict).toHaveText((await apiPlan(page, { from, batchSize: 8, seqLen: 32, microBatch: 4, recompute: 'auto' })).verdict);

  // The Adapt form shows the same plan for its batch shape.
  await showView(page, 'adapt');
  await page.getByTestId('adapt-from').selectOption(from);
  await page.getByTestId('adapt-batchSize').fill('4');
  await page.getByTestId('adapt-seqLen').fill('32');
  await page.getByTestId('adapt-recompute').selectOption('on');
  await expect(page.getByTestId('adapt-memory-plan-verdict')).toHaveText((await apiPlan(page, { from, batchSize: 4, seqLen: 32, recompute: 'on' })).verdict);
  expect(errors).toEqual([]);
});

test('studio.planMemory plans a config not yet created and refuses bad input naming it', async ({ page }) => {
  await openStudio(page);
  const r = await page.evaluate(async (tiny) => {
    const s = window.studio;
    const config = { ...s.presets().find((p) => p.id === 'base-1m')!.config };
    const plan = await s.planMemory({ config, batchSize: 8, seqLen: 256, recompute: 'on' });
    const refusal = async (o: unknown) => s.planMemory(o).then(() => 'accepted', (e: Error) => e.message);
    const from = await s.createModel({ name: 'planner refusals', config: tiny, seed: 2 });
    return {
      plan,
      refusals: [
        await refusal({ batchSize: 8, seqLen: 16 }),
        await refusal({ from, config, batchSize: 8, seqLen: 16 }),
        await refusal({ from, batchSize: 8, seqLen: 64 }),
        await refusal({ from, batchSize: 8, seqLen: 16, microBatch: 3 }),
        await refusal({ from, batchSize: 8, seqLen: 16, recompute: true }),
        await refusal({ from, batchSize: 8, seqLen: 16, lr: 0.1 }),
        await refusal({ from: 'ckpt-none', batchSize: 8, seqLen: 16 }),
        await refusal({ config: { ...config, hidden_size: -1 }, batchSize: 8, seqLen: 16 }),
        await refusal(null),
      ],
    };
  }, TINY_CONFIG);
  expect(r.plan.verdict).toMatch(/^batch 8 × 256 fits with recompute \(peak [\d.]+ MB\); without it [\d.]+ [MG]B/);
  expect(r.plan.recompute.on).toBe(true);
  expect(r.plan.parameters).toBeGreaterThan(1e6);
  const [neither, both, seq, micro, recompute, unknown, missing, config, notObject] = r.refusals;
  expect(neither).toBe('planMemory needs exactly one of from (a checkpoint id, see studio.checkpoints.list()) or config (a model config), got neither');
  expect(both).toMatch(/got both$/);
  expect(seq).toBe(`seqLen must be an integer from 2 to ${TINY_CONFIG.max_position_embeddings}, got 64`);
  expect(micro).toMatch(/^microBatch must be .*got 3$/);
  expect(recompute).toBe('recompute must be one of auto, on, off, got true');
  expect(unknown).toBe('unknown planMemory option(s) lr; allowed: from, config, batchSize, microBatch, recompute, seqLen');
  expect(missing).toBe('no checkpoint with id ckpt-none; see studio.checkpoints.list()');
  expect(config).toMatch(/hidden_size/);
  expect(notObject).toBe('planMemory needs {from | config, batchSize, seqLen, microBatch?, recompute?}');
});
