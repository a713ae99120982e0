// The suite picker shows, beside every suite, what a length-only scorer gets on it: 50.0 % for the
// built-in suites (length cannot decide them), and an imported suite whose grammatical sentences
// are always the shorter is flagged at 100.0 %.
import { expect, test } from '@playwright/test';
import { openStudio, watchConsole } from './helpers';

const SHORTER_GOOD = [
  { sentence_good: 'The dog is here.', sentence_bad: 'The dog are here.', UID: 'agr_be' },
  { sentence_good: 'He has time.', sentence_bad: 'He have time.', UID: 'agr_have' },
].map((x) => JSON.stringify(x)).join('\n');

test('the suite picker shows each suite\'s length-only accuracy', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  const suites = await page.evaluate(() => window.studio.suites());
  const builtIn = suites.filter((s) => s.source === 'brown-agreement' || s.source === 'word-order');
  expect(builtIn.length).toBeGreaterThan(400);
  for (const s of builtIn) expect(Math.abs(s.lengthOnlyAccuracy! - 0.5), s.id).toBeLessThanOrEqual(0.03);

  const row = (id: string) => page.locator('li.eval-item', { has: page.locator(`[data-testid=eval-suite][data-id="${id}"]`) });
  await expect(row('agreement-eng').getByTestId('suite-length-only')).toHaveText('length-only 50.0 %');
  await expect(row('wordorder-udhr-isl').getByTestId('suite-length-only')).toHaveText('length-only 50.0 %');

  await page.getByTestId('suite-format').selectOption('blimp');
  await page.getByTestId('suite-name').fill('shorter good');
  await page.getByTestId('suite-file').setInputFiles({ name: 'shorter_good.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(SHORTER_GOOD) });
  const find = async () => (await page.evaluate(() => window.studio.suites())).find((s) => s.name === 'shorter good');
  await expect.poll(async () => (await find()) !== undefined).toBe(true);
  const imported = (await find())!;
  const badge = row(imported.id).getByTestId('suite-length-only');
  await expect(badge).toHaveText('length-only 100.0 %');
  await expect(badge).toHaveAttribute('title', /length alone moves this suite's score/);

  for (const width of [1440, 1024]) {
    await page.setViewportSize({ width, height: 900 });
    await page.getByTestId('eval-suite-search').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `test-results/suite-picker-${width}.png` });
  }
  expect(errors).toEqual([]);
});
