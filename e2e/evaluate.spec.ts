// Evaluation in the browser: import a small BLiMP-style suite through the file input, evaluate
// two checkpoints in the Evaluate panel, and find the API's numbers in the table and heatmap.
import { expect, test } from '@playwright/test';
import { openStudio, TINY_CONFIG, watchConsole } from './helpers';

const SUITE = [
  { sentence_good: 'The dogs are here.', sentence_bad: 'The dogs is here.', UID: 'agr_be' },
  { sentence_good: 'The dog is here.', sentence_bad: 'The dog are here.', UID: 'agr_be' },
  { sentence_good: 'They were late.', sentence_bad: 'They was late.', UID: 'agr_be' },
  { sentence_good: 'She runs fast.', sentence_bad: 'She run fast.', UID: 'agr_verb' },
  { sentence_good: 'We know it.', sentence_bad: 'We knows it.', UID: 'agr_verb' },
  { sentence_good: 'He has time.', sentence_bad: 'He have time.', UID: 'agr_verb', pairID: '6' },
].map((x) => JSON.stringify(x)).join('\n') + '\n{"sentence_good": broken\n';

test('import a JSONL suite, evaluate two checkpoints, table and heatmap match the API', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  const [base, trained] = await page.evaluate(async (config) => {
    const base = await window.studio.createModel({ name: 'eval untrained', config, seed: 5 });
    const run = window.studio.train({ from: base, name: 'eval trained', data: [{ corpus: 'eng-brown', weight: 1 }], steps: 15, batchSize: 8, seqLen: 32, lr: 5e-3 });
    return [base, await run.done];
  }, TINY_CONFIG);

  await page.getByTestId('suite-format').selectOption('blimp');
  await page.getByTestId('suite-name').fill('tiny agreement');
  await page.getByTestId('suite-file').setInputFiles({ name: 'tiny_agreement.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(SUITE) });
  await expect(page.getByTestId('notice').filter({ hasText: 'tiny_agreement.jsonl:7' })).toBeVisible();
  const suite = await page.evaluate(async () => (await window.studio.suites()).find((s) => s.name === 'tiny agreement')!);
  expect(suite.pairCount).toBe(6);
  expect(suite.paradigms).toEqual(['agr_be', 'agr_verb']);

  for (const id of [base, trained]) await page.locator(`[data-testid=eval-checkpoint][data-id="${id}"]`).check();
  await page.getByTestId('eval-suite-search').fill('tiny agreement');
  await page.locator(`[data-testid=eval-suite][data-id="${suite.id}"]`).check();
  await page.getByTestId('eval-run').click();
  await expect(page.getByTestId('eval-table')).toBeVisible({ timeout: 120_000 });

  const result = await page.evaluate(async () => (await window.studio.evaluations())[0]);
  expect(result.rows).toHaveLength(2);
  expect(result.validation.map((v) => v.corpus)).toEqual(['eng-brown', 'eng-brown']);
  for (const row of result.rows) {
    const cell = page.locator(`[data-testid=eval-cell][data-checkpoint="${row.checkpoint}"][data-suite="${row.suite}"]`);
    await expect(cell).toContainText(`${(row.accuracy * 100).toFixed(1)}`);
    const heat = page.locator(`[data-testid=heat-cell][data-checkpoint="${row.checkpoint}"][data-language="eng"]`);
    await expect(heat).toHaveAttribute('data-value', row.accuracy.toFixed(4));
  }
  await expect(page.getByTestId('eval-paradigms')).toBeVisible();

  // The same numbers through the API, and a by-hand check of one checkpoint from scoreTexts.
  const again = await page.evaluate(({ trained, suite }) => window.studio.evaluate({ checkpoints: [trained], suites: [suite], validation: false }), { trained, suite: suite.id });
  const hand = await page.evaluate(async (id) => {
    const good = await window.studio.scoreTexts(id, ['The dogs are here.', 'The dog is here.', 'They were late.']);
    const bad = await window.studio.scoreTexts(id, ['The dogs is here.', 'The dog are here.', 'They was late.']);
    return good.filter((g, i) => g > bad[i]).length / 3;
  }, trained);
  expect(again.rows[0].paradigms.find((p) => p.paradigm === 'agr_be')!.accuracy).toBeCloseTo(hand, 10);
  expect(again.rows[0].accuracy).toBe(result.rows.find((r) => r.checkpoint === trained)!.accuracy);

  const csv = await page.evaluate((id) => window.studio.exportEvaluation(id, 'csv'), result.id);
  expect(csv.split('\n')[0]).toBe('checkpoint_id,checkpoint_name,suite,language,paradigm,metric,value,correct,total');
  expect(csv).toContain('valid_loss');
  expect(errors).toEqual([]);
});
