// The page that fits and speaks (issue 18, item 5): every view, with a model and a run in it,
// fits 1024 and 1440 px without sideways scrolling and has no serious or critical axe violation;
// a link opens a view and back/forward step through the views; the keyboard reaches the rows
// (a skip link first, the checkpoint list one tab stop). A11Y_SHOTS=<dir> also saves a
// screenshot of every view at both sizes.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { openStudio, showView, TINY_CONFIG, watchConsole } from './helpers';

test.describe.configure({ mode: 'serial' });

const SIZES = [{ width: 1440, height: 900 }, { width: 1024, height: 768 }];

/** A tiny model and a short run with evaluations, so lists, charts and tables have content. */
async function addContent(page: Page): Promise<string> {
  return page.evaluate(async (config) => {
    const from = await window.studio.createModel({ name: 'a11y tiny', config, seed: 1 });
    const run = window.studio.train({ from, name: 'a11y run', data: [{ corpus: 'eng-brown', weight: 1 }], steps: 4, batchSize: 4, seqLen: 16, lr: 3e-3, evalEvery: 2, watch: ['eng-brown'], evalTokens: 256, seed: 1 });
    return run.done;
  }, TINY_CONFIG);
}

/** The views the navigation links to, in its order. */
function viewIds(page: Page): Promise<string[]> {
  return page.locator('nav a[href^="#/"]').evaluateAll((links) => links.map((a) => a.getAttribute('href')!.slice(2)));
}

test('every view fits 1024 and 1440 px and has no serious or critical accessibility violation', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  await addContent(page);
  const views = await viewIds(page);
  expect(views).toEqual(expect.arrayContaining(['models', 'train', 'grow', 'adapt', 'merge', 'evaluate', 'experiments', 'gpu']));
  const shots = process.env.A11Y_SHOTS;
  const found: string[] = [];
  for (const size of SIZES) {
    await page.setViewportSize(size);
    for (const view of views) {
      await showView(page, view);
      await expect(page.locator(`[data-view="${view}"] .panel`).first()).toBeVisible();
      await page.waitForTimeout(300); // charts measure their container after a resize
      const width = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      expect(width.scroll, `#/${view} at ${size.width} px scrolls sideways`).toBeLessThanOrEqual(width.client);
      if (shots) await page.screenshot({ path: `${shots}/${view}-${size.width}.png`, fullPage: true });
      const axe = await new AxeBuilder({ page }).analyze();
      for (const v of axe.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
        found.push(`#/${view} at ${size.width}: ${v.impact} ${v.id} (${v.nodes.map((n) => n.target.join(' ')).join(' | ')})`);
      }
    }
  }
  expect(found).toEqual([]);
  expect(errors).toEqual([]);
});

test('a link opens its view; back and forward step through the views; an unknown hash opens the default', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/#/merge');
  await page.evaluate(() => window.studio.ready);
  await expect(page.locator('[data-view="merge"]')).toBeVisible();
  await expect(page.getByTestId('merge-panel')).toBeVisible();
  await expect(page.getByTestId('nav-merge')).toHaveAttribute('aria-current', 'page');
  await expect(page).toHaveTitle(/^Merge · /);

  await page.getByTestId('nav-train').click();
  await expect(page).toHaveURL(/#\/train$/);
  await expect(page.locator('[data-view="train"]')).toBeVisible();
  await expect(page.locator('[data-view="merge"]')).toBeHidden();
  await page.goBack();
  await expect(page.locator('[data-view="merge"]')).toBeVisible();
  await expect(page.locator('[data-view="train"]')).toBeHidden();
  await page.goForward();
  await expect(page.locator('[data-view="train"]')).toBeVisible();

  await page.goto('/#/no-such-view');
  await page.evaluate(() => window.studio.ready);
  await expect(page.locator('[data-view="models"]')).toBeVisible();
  await expect(page.getByTestId('nav-models')).toHaveAttribute('aria-current', 'page');
  expect(errors).toEqual([]);
});

test('the keyboard: a skip link first, the checkpoint list one tab stop with arrow keys between rows', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  const ids = await page.evaluate(async (config) => {
    const out: string[] = [];
    for (const name of ['keys a', 'keys b', 'keys c']) out.push(await window.studio.createModel({ name, config, seed: 1 }));
    return out;
  }, TINY_CONFIG);
  await expect(page.getByTestId('checkpoint-row')).toHaveCount(3);

  await page.keyboard.press('Tab');
  await expect(page.locator('.skip-link')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();

  // The sidebar's tab stops: the active row's pick button and its details toggle, whatever the number of rows.
  const tabStops = () => page.locator('aside').evaluate((aside) => [...aside.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea, [tabindex]')].filter((el) => el.tabIndex >= 0 && !(el as HTMLButtonElement).disabled).length);
  expect(await tabStops()).toBe(2);
  const pick = (id: string) => page.locator(`[data-testid=checkpoint-row][data-id="${id}"] [data-roving]`);
  const newest = await page.getByTestId('checkpoint-row').first().getAttribute('data-id');
  await pick(newest!).focus();
  await page.keyboard.press('ArrowDown');
  const second = await page.getByTestId('checkpoint-row').nth(1).getAttribute('data-id');
  await expect(pick(second!)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(pick(second!)).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator(`[data-testid=checkpoint-row][data-id="${second}"]`)).toHaveClass(/selected/);
  await page.keyboard.press('End');
  await expect(pick(ids[0])).toBeFocused();
  expect(await tabStops()).toBe(2);
  expect(errors).toEqual([]);
});
