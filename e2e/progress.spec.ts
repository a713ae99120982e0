// Progress and time that are true: a training run with evaluation and an evaluation started from
// the Evaluate panel show progress within half a second, an ETA that counts down, and (training)
// a final elapsed time that is the wall time the test measured; the Experiments panel's Quick
// demo estimate comes from this device's measured rate, not fixed text.
import { expect, type Page, test } from '@playwright/test';
import { openStudio, showView, TINY_CONFIG, watchConsole } from './helpers';

/** A page-side recorder: when `selector` first appears, and the ETA / elapsed numbers over time. */
interface Recording {
  start: number;
  shown?: number;
  samples: { t: number; eta?: number; elapsed?: number }[];
}

declare global {
  interface Window {
    progressRecording?: Recording;
  }
}

/** Starts recording in the page: the appearance of `box` and every 200 ms its ETA and elapsed. */
async function record(page: Page, box: string, eta: string, elapsed: string): Promise<void> {
  await page.evaluate(([box, eta, elapsed]) => {
    const rec: Recording = { start: performance.now(), samples: [] };
    window.progressRecording = rec;
    const num = (sel: string) => {
      const v = document.querySelector(`[data-testid="${sel}"]`)?.getAttribute('data-seconds');
      return v === null || v === undefined || v === '' ? undefined : Number(v);
    };
    const look = () => {
      if (rec.shown === undefined && document.querySelector(box)) rec.shown = performance.now();
    };
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true });
    setInterval(() => rec.samples.push({ t: performance.now(), eta: num(eta), elapsed: num(elapsed) }), 200);
  }, [box, eta, elapsed]);
}

const recording = (page: Page) => page.evaluate(() => window.progressRecording!);

/** The ETA fell while the job ran: the last sample with an ETA is below the first. */
function etaFalls(r: Recording): { first: number; last: number } {
  const etas = r.samples.filter((s) => s.eta !== undefined);
  expect(etas.length).toBeGreaterThan(1);
  const first = etas[0].eta!;
  const last = etas[etas.length - 1].eta!;
  expect(last).toBeLessThan(first);
  return { first, last };
}

test('training with evaluation: progress at once, an ETA that includes the evaluations and counts down, wall-clock elapsed', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  await showView(page, 'train');
  const base = await page.evaluate((config) => window.studio.createModel({ name: 'progress tiny', config, seed: 3 }), TINY_CONFIG);
  await record(page, '[data-testid="train-progress"][data-status="running"]', 'train-eta', 'train-elapsed');
  // Evaluation-heavy, as in the issue: 4096 validation tokens at every 8th of 32 steps.
  const wall = await page.evaluate(async (from) => {
    const t0 = performance.now();
    const run = window.studio.train({ from, name: 'progress run', data: [{ corpus: 'eng-brown', weight: 1 }], steps: 32, batchSize: 8, seqLen: 32, lr: 5e-3, evalEvery: 8, watch: ['eng-brown'], evalTokens: 4096 });
    await run.done;
    return { t0, t1: performance.now() };
  }, base);
  const rec = await recording(page);
  expect(rec.shown! - wall.t0).toBeLessThan(500);
  const { first } = etaFalls(rec);
  // Predicted vs actual: the first ETA shown against the time the run really had left then.
  const firstEta = rec.samples.find((s) => s.eta !== undefined)!;
  const actual = (wall.t1 - firstEta.t) / 1000;
  console.log(`training: ETA first shown ${first.toFixed(1)} s at ${((firstEta.t - wall.t0) / 1000).toFixed(1)} s; ${actual.toFixed(1)} s were left; wall ${((wall.t1 - wall.t0) / 1000).toFixed(1)} s`);
  const mid = rec.samples.filter((s) => s.eta !== undefined)[Math.floor(rec.samples.filter((s) => s.eta !== undefined).length / 2)];
  console.log(`training: ETA mid-run ${mid.eta!.toFixed(1)} s, actual ${((wall.t1 - mid.t) / 1000).toFixed(1)} s`);
  // The final elapsed is the wall time, evaluations and loading included.
  const finalElapsed = Number(await page.getByTestId('train-elapsed').getAttribute('data-seconds'));
  const wallSeconds = (wall.t1 - wall.t0) / 1000;
  console.log(`training: final elapsed ${finalElapsed.toFixed(1)} s, wall ${wallSeconds.toFixed(1)} s`);
  expect(Math.abs(finalElapsed - wallSeconds)).toBeLessThan(0.2 * wallSeconds);
  await expect(page.getByTestId('train-status')).toHaveText('completed');

  // The Quick demo estimate: from the rate this run measured, not the old fixed text.
  await showView(page, 'experiments');
  await page.getByTestId('experiment-preset').selectOption('quick-demo');
  const estimate = page.getByTestId('experiment-estimate');
  await expect(estimate).toHaveAttribute('data-basis', 'runs');
  await expect(estimate).toContainText(/^training steps alone about .+ on this device \(.+ GFLOP of training at the .+FLOP\/s measured between the steps of the last run\); loading, evaluations, growth and merges come on top/);
  await expect(page.getByTestId('experiments-panel')).not.toContainText('15–25 minutes');
  console.log(`experiments: ${await estimate.textContent()}`);
  expect(errors).toEqual([]);
});

test('evaluation from the Evaluate panel: progress within half a second, then an ETA that counts down', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  const id = await page.evaluate((config) => window.studio.createModel({ name: 'progress eval', config, seed: 4 }), TINY_CONFIG);
  await showView(page, 'evaluate');
  await page.locator(`[data-testid=eval-checkpoint][data-id="${id}"]`).check();
  await page.getByTestId('eval-suite-search').fill('English agreement');
  await page.locator('[data-testid=eval-suite][data-id="agreement-eng"]').check();
  await record(page, '[data-testid="eval-progress"]', 'eval-progress-eta', 'eval-progress-elapsed');
  await page.evaluate(() => document.addEventListener('click', (e) => {
    if ((e.target as Element).closest('[data-testid=eval-run]')) (window.progressRecording as Recording & { clicked?: number }).clicked = performance.now();
  }, true));
  await page.getByTestId('eval-run').click();
  await expect(page.getByTestId('eval-progress')).toBeVisible();
  await expect(page.getByTestId('eval-progress')).toBeHidden({ timeout: 110_000 });
  const rec = (await recording(page)) as Recording & { clicked?: number };
  expect(rec.shown! - rec.clicked!).toBeLessThan(500);
  const { first, last } = etaFalls(rec);
  const end = rec.samples.filter((s) => s.elapsed !== undefined).at(-1)!;
  const firstEta = rec.samples.find((s) => s.eta !== undefined)!;
  console.log(`evaluation: ETA first ${first.toFixed(1)} s at ${((firstEta.t - rec.clicked!) / 1000).toFixed(1)} s, actual left ${((end.t - firstEta.t) / 1000).toFixed(1)} s; last ETA ${last.toFixed(1)} s; elapsed shown last ${end.elapsed!.toFixed(1)} s`);
  expect(errors).toEqual([]);
});
