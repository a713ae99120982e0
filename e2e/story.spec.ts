// The "Watch a model forget" story through its view (#/forget), at the tiny size software WebGPU
// runs: one chart draws English and Icelandic over the whole story with the marker where the data
// changes, each stage shows what the model wrote, and the replay pass is drawn on the same chart
// (both passes) with its numbers beside pass 1's. STORY_SHOTS=<dir> saves screenshots of each stage.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { openStudio, showView, watchConsole } from './helpers';

const shots = process.env.STORY_SHOTS;

async function shoot(page: Page, name: string): Promise<void> {
  if (!shots) return;
  for (const [w, h] of [[1440, 900], [1024, 768]]) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: `${shots}/${name}-${w}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

test('the forgetting story: one chart of both languages, samples per stage, a replay pass on the same axes', async ({ page }) => {
  test.setTimeout(10 * 60_000);
  const errors = watchConsole(page);
  await openStudio(page);
  await showView(page, 'forget');
  const view = page.getByTestId('forget-story');
  await expect(view).toBeVisible();
  await shoot(page, '0-before');

  await view.getByTestId('story-size').selectOption('tiny');
  await view.getByTestId('story-start').click();
  const started = Date.now();
  await expect(view).toHaveAttribute('data-phase', 'english', { timeout: 120_000 });
  await expect(view.locator('[data-testid=story-sample][data-stage=untrained]')).toHaveCount(2);
  await shoot(page, '1-english');
  await expect(view).toHaveAttribute('data-phase', 'adapt', { timeout: 300_000 });
  await expect(view.locator('[data-testid=story-sample][data-stage=english]')).toHaveCount(2);
  await shoot(page, '2-icelandic');
  await expect(view).toHaveAttribute('data-phase', 'done', { timeout: 300_000 });
  await expect(view.locator('[data-testid=story-sample][data-stage=target]')).toHaveCount(2);
  const pass1Seconds = (Date.now() - started) / 1000;

  // One chart, both languages, the marker at the end of phase 1, phase 2 continuing its steps.
  const chart = view.getByTestId('story-chart');
  await expect(chart).toHaveAttribute('data-lines', '2');
  await expect(chart).toHaveAttribute('data-marker', '120');
  await expect(chart).toContainText('English → Icelandic');
  expect((await chart.locator('.recharts-legend-item').allTextContents()).sort()).toEqual(['English', 'Icelandic']);
  await expect(chart).toHaveAttribute('data-steps', '180');
  await expect(chart).toHaveAttribute('data-last-step', '180');
  const pass1 = view.locator('[data-testid=story-pass][data-replay="0"]');
  await expect(pass1).toBeVisible();
  const rise1 = Number(await pass1.getAttribute('data-english-rise'));
  const gain1 = Number(await pass1.getAttribute('data-target-gain'));
  expect(gain1).toBeGreaterThan(0);
  await shoot(page, '3-done');

  // The replay pass: one click, drawn on the same chart, its numbers beside pass 1's.
  await view.locator('[data-testid=story-replay-choice][value="0.25"]').check();
  await view.getByTestId('story-replay-start').click();
  const replayStarted = Date.now();
  await expect(chart).toHaveAttribute('data-passes', '2');
  await expect(chart).toHaveAttribute('data-lines', '4');
  await expect(chart).toHaveAttribute('data-marker', '120');
  const pass2 = view.locator('[data-testid=story-pass][data-replay="0.25"]');
  await expect(pass2).toBeVisible({ timeout: 300_000 });
  await expect(view.locator('[data-testid=story-sample][data-stage=replay]')).toHaveCount(2, { timeout: 300_000 });
  await expect(view.getByTestId('story-replay-start')).toBeEnabled();
  console.log(`pass 1 (create, English, Icelandic, samples): ${pass1Seconds.toFixed(0)} s; replay pass: ${((Date.now() - replayStarted) / 1000).toFixed(0)} s`);
  expect((await chart.locator('.recharts-legend-item').allTextContents()).sort()).toEqual(['English, 25 % replay', 'English, no replay', 'Icelandic, 25 % replay', 'Icelandic, no replay']);
  const rise2 = Number(await pass2.getAttribute('data-english-rise'));
  const gain2 = Number(await pass2.getAttribute('data-target-gain'));
  console.log(`English loss rise: ${rise1.toFixed(3)} without replay, ${rise2.toFixed(3)} with 25 % replay; Icelandic gain ${gain1.toFixed(3)} / ${gain2.toFixed(3)}`);
  expect(rise1).toBeGreaterThan(0);
  expect(rise2).toBeLessThan(rise1);
  await expect(view.getByTestId('story-avoided')).toBeVisible();
  await expect(view.locator('[data-testid=story-stage][data-stage=replay]')).toContainText('without replay it rose by');
  await shoot(page, '4-replay');

  // The API the view drives: same settings and budget in both passes, only the replay differs.
  const settings = await page.evaluate(async () => {
    const { runs } = window.studio;
    const list = await runs.list();
    const named = (n: string) => list.find((r) => r.settings.name.startsWith(n))!.settings;
    return [named('Forgetting story: Icelandic, no replay'), named('Forgetting story: Icelandic, 25 %')];
  });
  expect(settings[1].from).toBe(settings[0].from);
  for (const k of ['steps', 'batchSize', 'seqLen', 'lr', 'evalEvery', 'evalTokens', 'seed'] as const) expect(settings[1][k], k).toEqual(settings[0][k]);
  expect(settings[1].adapt!.replay).toBe(0.25);

  // The finished story fits both sizes and speaks: no sideways scroll, no serious axe violation.
  for (const size of [{ width: 1440, height: 900 }, { width: 1024, height: 768 }]) {
    await page.setViewportSize(size);
    await page.waitForTimeout(300);
    const width = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    expect(width.scroll, `the story at ${size.width} px scrolls sideways`).toBeLessThanOrEqual(width.client);
    const axe = await new AxeBuilder({ page }).include('[data-view="forget"]').analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`)).toEqual([]);
  }
  expect(errors).toEqual([]);
});
