// Generation on software WebGPU: the Generate panel writes with two checkpoints side by side,
// streaming each column (several updates before it is done), the same text as studio.generate
// with the same seed; studio.generate streams through onToken and stops on abort; Stop in the
// panel ends the writing; and a short training run saves a sample at each evaluation point,
// kept with the run over a reload and shown beside the training and adaptation curves. The panel
// with output and the samples have no serious or critical axe violation.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { openStudio, showView, TINY_CONFIG, watchConsole } from './helpers';

test.setTimeout(120_000);

const OPTIONS = { maxTokens: 12, temperature: 1, topK: 0, topP: 1, seed: 7 };

/** Serious or critical axe violations inside `selector`, as "rule: target" lines. */
async function seriousViolations(page: Page, selector: string): Promise<string[]> {
  const axe = await new AxeBuilder({ page }).include(selector).analyze();
  return axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}

/** Records every distinct text each column's output shows, from before Generate is pressed. */
async function recordOutputs(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: Record<string, string[]> = {};
    (window as unknown as { seenOutputs: typeof seen }).seenOutputs = seen;
    const panel = document.querySelector('[data-testid="generate-panel"]')!;
    new MutationObserver(() => {
      for (const col of panel.querySelectorAll<HTMLElement>('[data-testid="generate-column"]')) {
        const id = col.dataset.checkpoint!;
        const text = col.querySelector('[data-testid="generate-output"]')?.textContent ?? '';
        const list = (seen[id] ??= []);
        if (text !== '' && list[list.length - 1] !== text) list.push(text);
      }
    }).observe(panel, { subtree: true, childList: true, characterData: true });
  });
}

async function fillSettings(page: Page, prompt: string, o: Record<string, number>): Promise<void> {
  await page.getByTestId('generate-prompt').fill(prompt);
  for (const [name, v] of Object.entries(o)) await page.getByTestId(`generate-${name}`).fill(String(v));
}

test('the Generate panel streams two checkpoints side by side, the same text as studio.generate for the seed; Stop ends it', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  const [a, b] = await page.evaluate(async (config) => [
    await window.studio.createModel({ name: 'gen A', config, seed: 1 }),
    await window.studio.createModel({ name: 'gen B', config, seed: 2 }),
  ], TINY_CONFIG);
  await showView(page, 'generate');
  const panel = page.getByTestId('generate-panel');
  await expect(panel).toBeVisible();
  // The newest checkpoint is picked to start with; pick the other one as well.
  await expect(panel.locator(`[data-testid="generate-pick"][data-checkpoint="${b}"]`)).toBeChecked();
  await panel.locator(`[data-testid="generate-pick"][data-checkpoint="${a}"]`).check();
  await fillSettings(page, 'the ', OPTIONS);
  await recordOutputs(page);
  await page.getByTestId('generate-run').click();
  const columns = panel.getByTestId('generate-column');
  await expect(columns).toHaveCount(2);
  for (const id of [a, b]) await expect(panel.locator(`[data-testid="generate-column"][data-checkpoint="${id}"]`)).toHaveAttribute('data-status', 'done', { timeout: 60_000 });

  const shown = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll<HTMLElement>('[data-testid="generate-column"]')].map((c) => [c.dataset.checkpoint!, c.querySelector('[data-testid="generate-output"]')!.textContent!])));
  const seen = await page.evaluate(() => (window as unknown as { seenOutputs: Record<string, string[]> }).seenOutputs);
  const api = await page.evaluate(async ({ ids, o }) => {
    const out: Record<string, { text: string; tokens: number; updates: number }> = {};
    for (const id of ids) {
      let updates = 0;
      const r = await window.studio.generate(id, 'the ', o, { onToken: () => void updates++ });
      out[id] = { text: r.text, tokens: r.tokens.length, updates };
    }
    return out;
  }, { ids: [a, b], o: OPTIONS });
  for (const id of [a, b]) {
    expect(shown[id]).toBe(api[id].text);
    expect(api[id].updates).toBe(api[id].tokens);
    // Streamed: the column showed several texts, each growing from the last, before the final one.
    expect(seen[id].length).toBeGreaterThan(1);
    expect(seen[id][seen[id].length - 1]).toBe(api[id].text);
    for (let i = 1; i < seen[id].length; i++) expect(seen[id][i].startsWith(seen[id][i - 1])).toBe(true);
  }
  expect(shown[a]).not.toBe(shown[b]); // two different models write different text
  // Side by side: one row, two columns.
  const [boxA, boxB] = [await columns.nth(0).boundingBox(), await columns.nth(1).boundingBox()];
  expect(Math.abs(boxA!.y - boxB!.y)).toBeLessThan(2);
  expect(boxB!.x).toBeGreaterThan(boxA!.x + boxA!.width - 1);
  await expect(columns.nth(0).getByTestId('generate-status')).toContainText('12 tokens, reached max tokens');
  expect(await seriousViolations(page, '[data-testid="generate-panel"]')).toEqual([]);

  // Stop in the panel while the first model writes: the generation ends, the rest do not run.
  await fillSettings(page, 'the ', { ...OPTIONS, maxTokens: 1000 });
  await page.getByTestId('generate-run').click();
  await expect(columns.nth(0)).toHaveAttribute('data-status', 'writing');
  await page.getByTestId('generate-stop-button').click();
  await expect(columns.nth(1)).toHaveAttribute('data-status', /skipped|done/);
  await expect(columns.nth(1).getByTestId('generate-status')).toContainText('stopped');
  await expect(page.getByTestId('generate-run')).toBeEnabled();

  // The API stops on abort with the text so far.
  const stopped = await page.evaluate(async (id) => {
    const c = new AbortController();
    const r = await window.studio.generate(id, 'the ', { maxTokens: 1000, seed: 3 }, { signal: c.signal, onToken: (s) => { if (s.index === 1) c.abort(); } });
    return { stoppedBy: r.stoppedBy, tokens: r.tokens.length };
  }, a);
  expect(stopped.stoppedBy).toBe('stopped');
  expect(stopped.tokens).toBeGreaterThanOrEqual(2);
  expect(stopped.tokens).toBeLessThan(32 - 5);
  expect(errors).toEqual([]);
});

test('a short training run writes a sample at each evaluation point, kept with the run and shown beside the curves', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  const run = await page.evaluate(async (config) => {
    const s = window.studio;
    const from = await s.createModel({ name: 'sampled', config, seed: 4 });
    const h = s.train({ from, name: 'sampled run', data: [{ corpus: 'eng-brown', weight: 1 }], steps: 4, batchSize: 2, seqLen: 16, lr: 1e-2, evalEvery: 2, watch: ['eng-brown'], evalTokens: 64, sampleTokens: 8 });
    await h.done;
    return { id: h.id, samples: h.metrics().filter((p) => p.samples).map((p) => ({ step: p.step, ...p.samples!['eng-brown'] })) };
  }, TINY_CONFIG);
  expect(run.samples.map((p) => p.step)).toEqual([0, 2, 4]);
  // BOS + "Vincent G. Ierulli" would take 19 of 32 positions: the prompt keeps what fits in half.
  for (const p of run.samples) expect(p.prompt).toBe('Vincent G.');

  await page.reload();
  await page.evaluate(() => window.studio.ready);
  const stored = await page.evaluate(async (id) => (await window.studio.runs.list()).find((r) => r.id === id)!.metrics.filter((p) => p.samples).map((p) => p.samples!['eng-brown'].text), run.id);
  expect(stored).toEqual(run.samples.map((p) => p.text));

  await showView(page, 'train');
  const samples = page.getByTestId('train-samples');
  await expect(samples).toBeVisible();
  const shownText = () => samples.getByTestId('train-samples-text').textContent();
  await expect(samples.getByTestId('train-samples-step')).toContainText('step 4');
  await expect(samples.getByTestId('train-samples-sample')).toContainText('Vincent G.');
  expect(await shownText()).toBe(run.samples[2].text);
  await samples.getByTestId('train-samples-earlier').click();
  await expect(samples.getByTestId('train-samples-step')).toContainText('step 2');
  expect(await shownText()).toBe(run.samples[1].text);
  await samples.getByTestId('train-samples-earlier').click();
  await expect(samples.getByTestId('train-samples-step')).toContainText('step 0');
  expect(await shownText()).toBe(run.samples[0].text);
  await expect(samples.getByTestId('train-samples-earlier')).toBeDisabled();
  await samples.getByTestId('train-samples-latest').click();
  await expect(samples.getByTestId('train-samples-step')).toContainText('step 4');
  expect(await seriousViolations(page, '[data-testid="train-samples"]')).toEqual([]);

  // Adaptation: a sample in each watched language, beside the adaptation curves.
  const adapted = await page.evaluate(async (from) => {
    const h = window.studio.adapt({ from, target: 'udhr-isl', steps: 2, batchSize: 2, seqLen: 16, lr: 1e-2, evalEvery: 2, evalTokens: 64, evalPairs: 8, sampleTokens: 8 });
    await h.done;
    return h.metrics().filter((p) => p.samples).map((p) => Object.keys(p.samples!).sort());
  }, (await page.evaluate(() => window.studio.checkpoints.list())).find((c) => c.name === 'sampled run')!.id);
  expect(adapted).toEqual([['eng-brown', 'udhr-isl'], ['eng-brown', 'udhr-isl']]);
  await showView(page, 'adapt');
  const adaptSamples = page.getByTestId('adapt-samples');
  await expect(adaptSamples).toBeVisible();
  await expect(adaptSamples.getByTestId('adapt-samples-sample')).toHaveCount(2);
  await expect(adaptSamples.getByTestId('adapt-samples-step')).toContainText('step 2');
  expect(errors).toEqual([]);
});

