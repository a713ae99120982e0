// The chart controls researchers expect, on a short tiny training run: PNG and CSV export (named
// after the run and the chart), log y, EMA smoothing, zoom and reset, wall-time x; and the runs
// table (sort, filter) as the entry to comparing runs, with a child run continuing its parent's axis.
import { readFile } from 'node:fs/promises';
import { expect, type Locator, type Page, test } from '@playwright/test';
import { openStudio, showView, TINY_CONFIG, watchConsole } from './helpers';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

async function download(page: Page, button: Locator): Promise<{ name: string; bytes: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return { name: d.suggestedFilename(), bytes: await readFile((await d.path())!) };
}

/** The `d` of the chart's main (smoothed, or raw when smoothing is off) line. */
const linePath = (chart: Locator) => chart.locator('.value-line path.recharts-curve').first().getAttribute('d');

test('a training chart exports PNG and CSV, switches to log y, smooths, zooms and resets, and plots wall time', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = watchConsole(page);
  await openStudio(page);
  const r = await page.evaluate(async (config) => {
    const s = window.studio;
    const base = await s.createModel({ name: 'charts base', config, seed: 3 });
    const run = s.train({ from: base, name: 'charts tiny', data: [{ corpus: 'eng-brown', weight: 1 }], steps: 24, batchSize: 4, seqLen: 32, lr: 5e-3, evalEvery: 8, watch: ['eng-brown'], evalTokens: 256 });
    await run.done;
    return { runId: run.id, metrics: run.metrics() };
  }, TINY_CONFIG);
  const lossPoints = r.metrics.filter((m) => m.loss !== null).length;
  await showView(page, 'train');
  const chart = page.getByTestId('chart-loss');
  await expect(chart).toHaveAttribute('data-points', String(lossPoints));
  // The byte-level tokenizer: the loss is in nats per byte, and the axes say so.
  await expect(chart.locator('.recharts-label').filter({ hasText: 'training loss (nats/byte)' })).toHaveCount(1);
  await expect(chart.locator('.recharts-label').filter({ hasText: 'optimizer step' })).toHaveCount(1);

  const png = await download(page, page.getByTestId('chart-loss-png'));
  expect(png.name).toMatch(/^charts-tiny-training-loss-\d{4}-\d\d-\d\d\.png$/);
  expect([...png.bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  expect(png.bytes.length).toBeGreaterThan(2000);

  const csv = await download(page, page.getByTestId('chart-loss-csv'));
  expect(csv.name).toMatch(/^charts-tiny-training-loss-\d{4}-\d\d-\d\d\.csv$/);
  const lines = csv.bytes.toString('utf8').trim().split('\n');
  expect(lines[0]).toBe('series,step,tokens,flops,elapsed_s,loss,loss_smoothed');
  expect(lines).toHaveLength(1 + lossPoints);
  const lastRow = lines[lines.length - 1].split(',');
  const last = r.metrics[r.metrics.length - 1];
  expect(Number(lastRow[1])).toBe(last.step);
  expect(Number(lastRow[5])).toBeCloseTo(last.loss!, 6);

  // Log y: every loss is above 0, so the axis switches.
  await page.getByTestId('chart-loss-log').check();
  await expect(chart).toHaveAttribute('data-log', 'on');
  await page.getByTestId('chart-loss-log').uncheck();
  await expect(chart).toHaveAttribute('data-log', 'off');

  // Smoothing: the raw line stays, faint, and the smoothed path moves with the slider.
  await expect(chart.locator('.raw-line path.recharts-curve')).toHaveCount(1);
  const before = await linePath(chart);
  await page.getByTestId('chart-loss-smoothing').fill('0.95');
  await expect(chart).toHaveAttribute('data-smoothing', '0.95');
  expect(await linePath(chart)).not.toBe(before);
  await page.getByTestId('chart-loss-smoothing').fill('0');
  await expect(chart.locator('.raw-line path.recharts-curve')).toHaveCount(0);

  // Zoom: drag across the middle of the plot, then reset.
  const plot = chart.locator('.recharts-wrapper');
  const box = (await plot.boundingBox())!;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * 0.35, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.55, y, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.75, y, { steps: 5 });
  await page.mouse.up();
  await expect(chart).toHaveAttribute('data-zoom', /^\d+(\.\d+)?:\d+(\.\d+)?$/);
  const zoomed = Number(await chart.getAttribute('data-points'));
  expect(zoomed).toBeGreaterThan(0);
  expect(zoomed).toBeLessThan(lossPoints);
  await page.getByTestId('chart-loss-zoom-reset').click();
  await expect(chart).not.toHaveAttribute('data-zoom');
  await expect(chart).toHaveAttribute('data-points', String(lossPoints));

  // Wall time on x: the axis title changes and the CSV's elapsed column is the run's.
  await page.getByTestId('chart-loss-x').selectOption('time');
  await expect(chart).toHaveAttribute('data-x', 'time');
  await expect(chart.locator('.recharts-label').filter({ hasText: 'wall time (s)' })).toHaveCount(1);
  const timed = (await download(page, page.getByTestId('chart-loss-csv'))).bytes.toString('utf8').trim().split('\n');
  expect(Number(timed[timed.length - 1].split(',')[4])).toBeCloseTo(last.elapsed, 6);

  // Validation: a sparse series, with a point at each evaluation (steps 0, 8, 16, 24).
  await expect(page.getByTestId('chart-valid')).toHaveAttribute('data-points', '4');
  expect(errors).toEqual([]);
});

test('the runs table sorts and filters, and ticked runs are compared; a child run continues its parent', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = watchConsole(page);
  await openStudio(page);
  const r = await page.evaluate(async (config) => {
    const s = window.studio;
    const base = await s.createModel({ name: 'table base', config, seed: 4 });
    const fast = s.train({ from: base, name: 'table fast', data: [{ corpus: 'eng-brown', weight: 1 }], steps: 8, batchSize: 4, seqLen: 32, lr: 8e-3, watch: [] });
    const parent = await fast.done;
    const slow = s.train({ from: base, name: 'table slow', data: [{ corpus: 'eng-brown', weight: 1 }], steps: 6, batchSize: 4, seqLen: 32, lr: 1e-3, watch: [] });
    await slow.done;
    const child = s.adapt({ from: parent, name: 'table child', target: 'udhr-isl', replay: 0, steps: 4, batchSize: 4, seqLen: 32, lr: 5e-3, evalEvery: 4, evalPairs: 4, evalTokens: 256 });
    await child.done;
    return { fast: fast.id, slow: slow.id, child: child.id, parentSteps: fast.metrics().at(-1)!.step };
  }, TINY_CONFIG);
  await showView(page, 'train');
  const table = page.getByTestId('runs-table');
  await expect(table).toHaveAttribute('data-rows', '3');
  const names = () => table.locator('[data-testid=runs-table-row] th.run-name').allTextContents();

  // Sort by lr (a button in the header; aria-sort says the order), then flip it.
  const lrHeader = table.locator('thead th').filter({ has: page.locator('[data-column=lr]') });
  await table.locator('[data-testid=runs-sort][data-column=lr]').click();
  await expect(lrHeader).toHaveAttribute('aria-sort', 'ascending');
  expect(await names()).toEqual(['table slow', 'table child', 'table fast']);
  await table.locator('[data-testid=runs-sort][data-column=lr]').press('Enter');
  await expect(lrHeader).toHaveAttribute('aria-sort', 'descending');
  expect(await names()).toEqual(['table fast', 'table child', 'table slow']);

  // Filter: any cell as shown, every word.
  await page.getByLabel('filter runs').fill('udhr-isl');
  await expect(table).toHaveAttribute('data-rows', '1');
  expect(await names()).toEqual(['table child']);
  await page.getByLabel('filter runs').fill('');
  await expect(table).toHaveAttribute('data-rows', '3');

  // Ticking rows feeds the comparison; the child continues the parent's steps when asked.
  await table.locator(`[data-testid=compare-run][data-id="${r.fast}"]`).check();
  await table.locator(`[data-testid=compare-run][data-id="${r.child}"]`).check();
  const compare = page.getByTestId('chart-compare');
  await expect(compare).toHaveAttribute('data-lines', '2');
  const firstChildStep = async () => {
    const text = (await download(page, page.getByTestId('chart-compare-csv'))).bytes.toString('utf8');
    return Math.min(...text.trim().split('\n').slice(1).filter((l) => l.startsWith('table child,')).map((l) => Number(l.split(',')[1])));
  };
  expect(await firstChildStep()).toBe(1);
  await page.getByTestId('compare-continue').check();
  expect(await firstChildStep()).toBe(r.parentSteps + 1);
  expect(errors).toEqual([]);
});

test('the merge diagnostics chart exports its layers as CSV and the chart as PNG', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = watchConsole(page);
  await openStudio(page);
  const r = await page.evaluate(async (config) => {
    const s = window.studio;
    const base = await s.createModel({ name: 'diag base', config, seed: 5 });
    const english = await s.train({ from: base, name: 'diag english', data: [{ corpus: 'eng-brown', weight: 1 }], steps: 4, batchSize: 4, seqLen: 32, lr: 5e-3, watch: [] }).done;
    const isl = await s.adapt({ from: english, target: 'udhr-isl', steps: 3, batchSize: 4, seqLen: 32, lr: 5e-3, name: 'diag isl', evalSuites: [], evalEvery: 3, evalTokens: 128 }).done;
    const fao = await s.adapt({ from: english, target: 'udhr-fao', steps: 3, batchSize: 4, seqLen: 32, lr: 5e-3, name: 'diag fao', evalSuites: [], evalEvery: 3, evalTokens: 128 }).done;
    return { english, isl, fao };
  }, TINY_CONFIG);
  await showView(page, 'merge');
  await page.getByTestId('merge-method').selectOption('ties');
  await page.getByTestId('merge-base').selectOption(r.english);
  for (const id of [r.isl, r.fao]) await page.locator(`[data-testid=merge-expert][data-id="${id}"]`).check();
  await page.getByTestId('merge-diagnose').click();
  const chart = page.getByTestId('merge-diagnostics');
  await expect(chart).toHaveAttribute('data-layers', /^[1-9]\d*$/);
  const layers = Number(await chart.getAttribute('data-layers'));
  await expect(chart.locator('.recharts-label').filter({ hasText: 'share of entries (%)' })).toHaveCount(1);
  const csv = await download(page, page.getByTestId('merge-diagnostics-csv'));
  expect(csv.name).toMatch(/^sign-interference-by-layer-\d{4}-\d\d-\d\d\.csv$/);
  const lines = csv.bytes.toString('utf8').trim().split('\n');
  expect(lines[0]).toBe('layer,kept_percent,disagree_before_percent,disagree_after_percent');
  expect(lines).toHaveLength(1 + layers);
  const png = await download(page, page.getByTestId('merge-diagnostics-png'));
  expect([...png.bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  await page.setViewportSize({ width: 1024, height: 768 });
  await chart.screenshot({ path: test.info().outputPath('merge-diagnostics-1024.png') });
  expect(errors).toEqual([]);
});
