// A full disk (a storage quota set through the DevTools protocol): every write is refused with a
// sentence naming what did not fit, the usage and what to delete; nothing saved before changes;
// a run whose final save does not fit keeps its snapshot and saves again once space is freed;
// the studio starts and lists everything under the full quota.
import { expect, test, type Page } from '@playwright/test';
import { fillQuota, openStudio, showView, TINY_CONFIG, watchConsole } from './helpers';

const ORIGIN = 'http://localhost:4173';
const MB = 1e6;

/**
 * Chromium applies a quota override to an origin's storage as it is first used, and later only
 * when it is raised: the test fixes a quota before the first visit, fills it with a filler
 * database to make the disk full, and raises it to make room.
 */
class Disk {
  quota = 40 * MB;
  constructor(private readonly page: Page) {}
  async setQuota(bytes: number): Promise<void> {
    this.quota = bytes;
    const cdp = await this.page.context().newCDPSession(this.page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: ORIGIN, quotaSize: bytes });
  }
  /** Writes filler until not even 64 bytes fit. */
  fill(): Promise<number> {
    return fillQuota(this.page);
  }
  /** Room for `bytes` more. */
  room(bytes = 20 * MB): Promise<void> {
    return this.setQuota(this.quota + bytes);
  }
}
const FULL = /^Not enough browser storage to save .+: the browser refused the write for want of space\. The browser (counts|reports) .* used of the .*The largest checkpoints are "quota base" \([\d.]+ [kM]B\)\. Delete checkpoints .* nothing saved before was changed\./;

test('under a full quota every write says what did not fit; nothing is lost; the studio still starts', async ({ page }) => {
  test.setTimeout(10 * 60_000);
  const errors = watchConsole(page);
  const disk = new Disk(page);
  await disk.setQuota(disk.quota);
  await openStudio(page);
  const base = await page.evaluate(async (config) => {
    const s = window.studio;
    const id = await s.createModel({ name: 'quota base', config: { ...config, vocab_size: 259 }, seed: 1 });
    await s.addCorpus('kept.txt', 'the first line of the kept corpus\nthe second line of it\na third line\n', { name: 'kept corpus', language: 'eng' });
    return { id, scores: await s.scoreTexts(id, ['a test sentence']) };
  }, TINY_CONFIG);
  const before = await page.evaluate(async () => ({ checkpoints: (await window.studio.checkpoints.list()).map((c) => `${c.id}:${c.name}`), corpora: (await window.studio.corpora()).filter((c) => c.source === 'user').map((c) => c.name) }));

  expect(await disk.fill()).toBeGreaterThan(0);
  const refusals = await page.evaluate(async ({ config, id }) => {
    const s = window.studio;
    const grab = (p: Promise<unknown>) => p.then(() => 'accepted', (e: Error) => e.message);
    return {
      createModel: await grab(s.createModel({ name: 'no room', config: { ...config, vocab_size: 259 }, seed: 2 })),
      addCorpus: await grab(s.addCorpus('new.txt', 'one line here\nand another one\n', { name: 'new corpus' })),
      rename: await grab(s.checkpoints.rename(id, 'renamed')),
      importSuite: await grab(s.importSuite('tiny suite', '{"sentence_good": "The cat sleeps.", "sentence_bad": "The cat sleep.", "UID": "agr"}\n', 'blimp')),
      evaluate: await grab(s.evaluate({ checkpoints: [id], suites: ['agreement-eng'], maxPairs: 4, validationTokens: 64 })),
      experiment: await grab(s.experiments.run({ ...s.experiments.presets()[0].recipe, name: 'no room study' })),
    };
  }, { config: TINY_CONFIG, id: base.id });
  expect(refusals.createModel).toMatch(FULL);
  expect(refusals.createModel).toMatch(/save checkpoint "no room"/);
  expect(refusals.addCorpus).toMatch(/save corpus "new corpus"/);
  expect(refusals.rename).toMatch(/save the changes to checkpoint "quota base"/);
  expect(refusals.importSuite).toMatch(/save suite "tiny suite"/);
  expect(refusals.evaluate).toMatch(/save the evaluation of "quota base".*The result is shown in the Evaluate panel until you reload/);
  expect(refusals.experiment).toMatch(/save experiment "no room study"/);
  for (const m of Object.values(refusals)) expect(m).toMatch(FULL);

  // A run started with room, then the disk fills: snapshots are skipped with one notice, the
  // final save does not fit, the run is interrupted, and "save again" works once there is room.
  await disk.room();
  const startRun = (name: string, steps: number) => page.evaluate(async ({ from, name, steps }) => {
    const h = window.studio.train({ from, name, data: [{ corpus: 'eng-brown', weight: 1 }], steps, batchSize: 2, seqLen: 16, lr: 1e-3, checkpointEvery: 2 });
    (window as unknown as { run: typeof h }).run = h;
    while (h.metrics().length < 1) await new Promise((r) => setTimeout(r, 50));
    return h.id;
  }, { from: base.id, name, steps });
  const runDone = () => page.evaluate(() => (window as unknown as { run: { done: Promise<string> } }).run.done.then(() => 'saved', (e: Error) => e.message));
  const runId = await startRun('full-disk run', 80);
  await disk.fill();
  const run = { id: runId, message: await runDone() };
  // Failed snapshot writes leak nothing: the engine holds as many tensors after the last step as after the second.
  const counts = await page.evaluate(() => (window as unknown as { run: { metrics(): { step: number; numTensors: number }[] } }).run.metrics().filter((m) => m.step > 1).map((m) => m.numTensors));
  console.log(`tensor counts over ${counts.length} steps under a full disk: first ${counts[0]}, last ${counts[counts.length - 1]}, distinct ${new Set(counts).size}`);
  expect(new Set(counts).size).toBe(1);
  expect(run.message).toMatch(/^The run's final checkpoint was not saved\. Not enough browser storage to save/);
  expect(run.message).toMatch(/Save again/);
  await showView(page, 'train');
  const row = page.locator(`[data-testid=run-row][data-id="${run.id}"]`);
  await expect(row).toHaveAttribute('data-status', 'interrupted');
  await expect(row.getByTestId('run-save-again')).toBeVisible();

  // Room again: "save again" stores the weights this page kept, once.
  await disk.room();
  const saved = await page.evaluate(async (runId) => {
    const id = await window.studio.runs.saveResult(runId);
    return { id, runs: (await window.studio.runs.list()).filter((r) => r.id === runId).map((r) => [r.status, r.resultId]), ckpt: (await window.studio.checkpoints.get(id)).name };
  }, run.id);
  expect(saved.runs).toEqual([['completed', saved.id]]);
  expect(saved.ckpt).toBe('full-disk run');
  before.checkpoints.unshift(`${saved.id}:full-disk run`);

  // A second run whose final save does not fit, then a reload under the full quota: the studio
  // starts and lists everything saved before; the run is interrupted and continues once there is room.
  const second = await startRun('second run', 80);
  await disk.fill();
  expect(await runDone()).toMatch(/final checkpoint was not saved/);
  await page.reload();
  await page.evaluate(() => window.studio.ready);
  const after = await page.evaluate(async () => ({ checkpoints: (await window.studio.checkpoints.list()).map((c) => `${c.id}:${c.name}`), corpora: (await window.studio.corpora()).filter((c) => c.source === 'user').map((c) => c.name) }));
  expect(after).toEqual(before);
  expect(await page.evaluate((id) => window.studio.scoreTexts(id, ['a test sentence']), base.id)).toEqual(base.scores);
  await expect(page.locator(`[data-testid=run-row][data-id="${second}"]`)).toHaveAttribute('data-status', 'interrupted');
  await disk.room();
  const result = await page.evaluate(async (runId) => {
    const h = await window.studio.runs.resume(runId);
    const id = await h.done;
    return { id, runs: (await window.studio.runs.list()).filter((r) => r.id === runId).map((r) => [r.status, r.resultId]) };
  }, second);
  expect(result.runs).toEqual([['completed', result.id]]);
  expect(errors.filter((e) => !/QuotaExceeded|quota/i.test(e))).toEqual([]);
});
