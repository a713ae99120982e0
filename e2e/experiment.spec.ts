// Experiments in the browser: the Quick demo runs end to end from the Experiments panel and its
// report holds every section; an interrupted experiment resumes after a reload reusing what was
// done; a bad recipe is refused with every problem's JSON path; the headless runner writes the
// report files and fails cleanly on a bad recipe.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { openStudio, showView, watchConsole } from './helpers';
import { RECIPE_PRESETS } from '../src/core/experiment/recipe';

const quickDemo = RECIPE_PRESETS.find((p) => p.id === 'quick-demo')!.recipe;

/** A smaller study than the Quick demo, for the resume and runner checks. */
const mini = {
  ...quickDemo,
  name: 'mini study',
  base: { ...quickDemo.base, budget: { kind: 'steps', value: 8 } },
  scales: [1],
  adapt: { ...quickDemo.adapt, budget: { kind: 'steps', value: 6 }, evalPoints: 2, evalTokens: 256 },
  merges: [{ ...quickDemo.merges[1], scales: [1] }],
  evaluation: { suites: ['agreement-eng'], maxPairs: 16 },
};

test('the Quick demo runs from the Experiments panel and its report holds every section', async ({ page }) => {
  test.setTimeout(40 * 60_000);
  const errors = watchConsole(page);
  await openStudio(page);
  await showView(page, 'experiments');
  await page.getByTestId('experiment-preset').selectOption('quick-demo');
  await page.getByTestId('experiment-run').click();
  const row = page.getByTestId('experiment-row').first();
  await expect(row).toHaveAttribute('data-status', 'running');
  await expect(page.getByTestId('experiment-progress')).toBeVisible();
  await expect(row).toHaveAttribute('data-status', 'completed', { timeout: 35 * 60_000 });
  const id = await row.getAttribute('data-id');
  const report = await page.evaluate((id) => window.studio.experiments.report(id!), id);
  expect(report.sections).toEqual(expect.arrayContaining(['forgetting', 'gains', 'merges', 'findings']));
  expect(report.curves.map((c) => `${c.language}:x${c.scale}`).sort()).toEqual(['fao:x1', 'fao:x2', 'isl:x1', 'isl:x2']);
  for (const c of report.curves) expect(c.points[0].flops).toBe(0);
  expect(report.findings.map((f) => f.id)).toEqual(['growth-data-efficiency', 'growth-forgets-less', 'merges-below-experts', 'grown-merges-better', 'merge-methods-differ']);
  for (const f of report.findings) console.log(`${f.supported.padEnd(12)} ${f.claim}\n             ${f.evidence}`);

  await row.click();
  const view = page.getByTestId('experiment-report');
  for (const section of ['forgetting', 'gains', 'merges', 'findings']) await expect(view.getByTestId(`report-section-${section}`)).toBeVisible();
  await expect(view.getByTestId('finding')).toHaveCount(5);
  // The report with all its tables fits a 1024 px window: nothing scrolls the page sideways.
  await page.setViewportSize({ width: 1024, height: 768 });
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  if (process.env.A11Y_SHOTS) await page.screenshot({ path: `${process.env.A11Y_SHOTS}/experiments-report-1024.png`, fullPage: true });
  const files = await page.evaluate(async (id) => (await window.studio.experiments.exportReport(id!)).map((f) => ({ name: f.name, size: f.bytes.length, head: new TextDecoder().decode(f.bytes.slice(0, 16)) })), id);
  const names = files.map((f) => f.name);
  expect(names).toEqual(expect.arrayContaining(['report.html', 'report.json', 'report.csv', 'charts/forgetting.png', 'charts/target-loss.png', 'charts/merge-heatmap.png']));
  expect(names.filter((n) => n.startsWith('mergekit/'))).toHaveLength(4);
  expect(names.filter((n) => n.startsWith('nanotron/'))).toHaveLength(5);
  expect(files.find((f) => f.name === 'charts/forgetting.png')!.head.slice(1, 4)).toBe('PNG');
  expect(errors).toEqual([]);
});

test('a reloaded experiment resumes at its stage, reusing what was done; bad recipes are refused by path', async ({ page }) => {
  test.setTimeout(20 * 60_000);
  await openStudio(page);
  const bad = await page.evaluate((mini) => window.studio.experiments.validate({
    ...mini, colour: 'red', languages: [...mini.languages, { code: 'xyz', corpus: 'udhr-nope' }],
    merges: [{ ...mini.merges[0], subset: ['isl', 'deu'] }], adapt: { ...mini.adapt, budget: { kind: 'flops', value: 10 } },
  }), mini);
  expect(bad.ok).toBe(false);
  const paths = bad.ok ? [] : bad.problems.map((p) => p.path);
  expect(paths).toEqual(expect.arrayContaining(['$.colour', '$.languages[2].corpus', '$.merges[0].subset[1]', '$.adapt.budget']));
  const refused = await page.evaluate((mini) => window.studio.experiments.run({ ...mini, colour: 'red' }).then(() => 'ran', (e: Error) => e.message), mini);
  expect(refused).toMatch(/\$\.colour/);

  const started = await page.evaluate(async (mini) => {
    const s = window.studio.experiments;
    const h = await s.run(mini);
    for (;;) {
      const v = s.status(h.id);
      if (v.current?.stage === 'adapt:isl:x1' && (v.current.step ?? 0) >= 2) return h.id;
      if (v.status !== 'running') throw new Error(`experiment ${v.status}: ${v.error}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, mini);
  const before = await page.evaluate(async (id) => (await window.studio.experiments.list()).find((e) => e.id === id)!.progress, started);
  await page.reload();
  await page.evaluate(() => window.studio.ready);
  await showView(page, 'experiments');
  const row = page.locator(`[data-testid=experiment-row][data-id="${started}"]`);
  await expect(row).toHaveAttribute('data-status', 'interrupted');
  await row.getByTestId('experiment-resume').click();
  await expect(row).toHaveAttribute('data-status', 'completed', { timeout: 15 * 60_000 });
  const after = await page.evaluate(async (id) => (await window.studio.experiments.list()).find((e) => e.id === id)!.progress, started);
  expect(after.base.checkpointId).toBe(before.base.checkpointId);
  expect(after['adapt:isl:x1'].runId).toBe(before['adapt:isl:x1'].runId);
  const run = await page.evaluate((runId) => window.studio.runs.list().then((rs) => rs.find((r) => r.id === runId)!), after['adapt:isl:x1'].runId!);
  expect(run.metrics.map((m) => m.step)).toEqual([...new Set(run.metrics.map((m) => m.step))]);
  expect(run.metrics[run.metrics.length - 1].step).toBe(6);
});

test('the headless runner writes the report files and fails cleanly on a bad recipe', async () => {
  test.setTimeout(20 * 60_000);
  const dir = mkdtempSync(join(tmpdir(), 'studio-experiment-'));
  const badRecipe = join(dir, 'bad.json');
  writeFileSync(badRecipe, JSON.stringify({ ...mini, languages: [{ code: 'isl', corpus: 'udhr-nope' }] }));
  const bad = spawnSync('npx', ['tsx', 'scripts/experiment.ts', badRecipe, '--out', join(dir, 'bad'), '--no-build', '--port', '4321'], { encoding: 'utf8' });
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/\$\.languages\[0\]\.corpus/);

  const good = join(dir, 'mini.json');
  writeFileSync(good, JSON.stringify(mini));
  const ok = spawnSync('npx', ['tsx', 'scripts/experiment.ts', good, '--out', join(dir, 'out'), '--no-build', '--port', '4321'], { encoding: 'utf8', timeout: 18 * 60_000 });
  expect(ok.status, ok.stderr).toBe(0);
  for (const f of ['report.html', 'report.json', 'report.csv', 'charts/forgetting.png']) expect(existsSync(join(dir, 'out', f)), f).toBe(true);
  const report = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8'));
  expect(report.name).toBe('mini study');
  expect(ok.stdout).toMatch(/Findings:/);
});
