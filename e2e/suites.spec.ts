// The suite picker shows, beside every suite, what a length-only scorer gets on it: 50.0 % for the
// built-in suites (length cannot decide them), and an imported suite whose grammatical sentences
// are always the shorter is flagged at 100.0 %. A 150,000-pair BLiMP file streams in through the
// file input with a progress bar in MB and evaluates on a tiny model.
import { expect, test } from '@playwright/test';
import { blimpJsonl } from '../src/core/testing/largeSuites';
import { openStudio, showView, TINY_CONFIG, watchConsole } from './helpers';

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

  await showView(page, 'evaluate');
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

test('a 150,000-pair BLiMP file streams in with progress and evaluates on a tiny model', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  const file = Buffer.from(blimpJsonl(150_000));
  // Every value the progress bar shows, recorded as it changes (the bar goes when the import ends).
  await page.evaluate(() => {
    const w = window as unknown as { shown: { now: number; max: number }[] };
    w.shown = [];
    new MutationObserver(() => {
      const bar = document.querySelector('[data-testid=suite-import-progress] [role=progressbar]');
      if (bar) w.shown.push({ now: Number(bar.getAttribute('aria-valuenow')), max: Number(bar.getAttribute('aria-valuemax')) });
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  await showView(page, 'evaluate');
  await page.getByTestId('suite-format').selectOption('blimp');
  await page.getByTestId('suite-name').fill('blimp 150k');
  const started = Date.now();
  await page.getByTestId('suite-file').setInputFiles({ name: 'blimp_150k.jsonl', mimeType: 'application/jsonl', buffer: file });
  await expect(page.getByTestId('notice').filter({ hasText: 'Imported suite “blimp 150k”: 150000 pairs from 1 file.' })).toBeVisible();
  console.log(`150,000 BLiMP pairs (${(file.length / 1e6).toFixed(1)} MB) imported through the file input in ${Date.now() - started} ms`);
  const shown = await page.evaluate(() => (window as unknown as { shown: { now: number; max: number }[] }).shown);
  const values = [...new Set(shown.map((s) => s.now))];
  expect(values.length).toBeGreaterThan(2);
  expect(shown.every((s, i) => s.max === file.length && (i === 0 || s.now >= shown[i - 1].now))).toBe(true);
  expect(values[values.length - 1]).toBe(file.length);
  await expect(page.getByTestId('suite-import-progress')).toHaveCount(0);

  const suite = (await page.evaluate(() => window.studio.suites())).find((s) => s.name === 'blimp 150k')!;
  expect([suite.pairCount, suite.paradigms.length, suite.language]).toEqual([150_000, 67, 'eng']);
  const result = await page.evaluate(async ({ config, suite }) => {
    const model = await window.studio.createModel({ name: 'tiny for 150k', config, seed: 3 });
    return window.studio.evaluate({ checkpoints: [model], suites: [suite], validation: false, maxPairs: 134 });
  }, { config: TINY_CONFIG, suite: suite.id });
  expect(result.rows[0]).toMatchObject({ pairs: 134, rule: 'lm-eval blimp' });
  expect(result.rows[0].paradigms).toHaveLength(67);
  expect(result.rows[0].accuracy).toBeGreaterThanOrEqual(0);
  expect(errors).toEqual([]);
});
