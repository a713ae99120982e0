// Two tabs of the studio on one browser profile (two pages of one context share IndexedDB, Web
// Locks and BroadcastChannel): a run and an experiment belong to the tab that runs them; the
// other tab shows them live, cannot continue or delete them or the checkpoint trained from, and
// takes them over once the owning tab is closed. The start-up sweep of a second tab keeps a blob
// whose record is not yet written.
import { expect, test } from '@playwright/test';
import { openStudio, showView, TINY_CONFIG, watchConsole } from './helpers';
import { RECIPE_PRESETS } from '../src/core/experiment/recipe';

const quickDemo = RECIPE_PRESETS.find((p) => p.id === 'quick-demo')!.recipe;

test('a run belongs to its tab: the other tab follows it live, cannot take it, and takes over when the tab closes', async ({ context }) => {
  test.setTimeout(10 * 60_000);
  const owner = await context.newPage();
  const other = await context.newPage();
  const errors = [...watchConsole(owner), ...watchConsole(other)];
  await openStudio(owner);
  const { from, runId } = await owner.evaluate(async (config) => {
    const s = window.studio;
    const from = await s.createModel({ name: 'tab base', config: { ...config, vocab_size: 259 }, seed: 1 });
    const run = s.train({ from, name: 'long run', data: [{ corpus: 'eng-brown', weight: 1 }], steps: 100000, batchSize: 2, seqLen: 16, lr: 1e-3, checkpointEvery: 10 });
    (window as unknown as { run: typeof run }).run = run;
    while (run.metrics().length < 3) await new Promise((r) => setTimeout(r, 100));
    return { from, runId: run.id };
  }, TINY_CONFIG);

  await openStudio(other);
  await showView(other, 'train');
  const row = other.locator(`[data-testid=run-row][data-id="${runId}"]`);
  await expect(row).toHaveAttribute('data-elsewhere', 'true');
  await expect(row).toHaveAttribute('data-status', 'running');
  await expect(row.getByTestId('run-continue')).toHaveCount(0);
  await expect(row.getByTestId('run-delete')).toHaveCount(0);
  // Live: the step count the other tab shows keeps moving.
  const stepOf = async () => Number((await row.locator('.num').textContent())!.split('/')[0]);
  const first = await stepOf();
  await expect.poll(stepOf, { timeout: 60_000 }).toBeGreaterThan(first);
  // The checkpoint the other tab saved is listed here too.
  expect(await other.evaluate(async (from) => (await window.studio.checkpoints.list()).some((c) => c.id === from), from)).toBe(true);

  const refusals = await other.evaluate(async ({ from, runId }) => {
    const s = window.studio;
    const grab = (p: Promise<unknown>) => p.then(() => 'accepted', (e: Error) => e.message);
    return { resume: await grab(s.runs.resume(runId)), deleteRun: await grab(s.runs.delete(runId)), deleteFrom: await grab(s.checkpoints.delete(from)) };
  }, { from, runId });
  expect(refusals.resume).toMatch(/is running in another tab of the studio/);
  expect(refusals.deleteRun).toMatch(/is running in another tab of the studio/);
  expect(refusals.deleteFrom).toMatch(/is being trained by run .* in another tab; stop the run first/);

  await owner.close();
  await expect(row).toHaveAttribute('data-status', 'interrupted', { timeout: 30_000 });
  await expect(row).not.toHaveAttribute('data-elsewhere', 'true');
  const resumed = await other.evaluate(async (runId) => {
    const h = await window.studio.runs.resume(runId);
    const at = h.metrics().length;
    while (h.metrics().length <= at) await new Promise((r) => setTimeout(r, 100));
    h.stop();
    await h.done;
    return (await window.studio.runs.list()).find((r) => r.id === runId)!;
  }, runId);
  expect(resumed.status).toBe('stopped');
  expect(resumed.resultId).toBeTruthy();
  expect(errors).toEqual([]);
});

test("a second tab's start-up sweep keeps a blob another tab is linking; an experiment belongs to its tab", async ({ context }) => {
  test.setTimeout(10 * 60_000);
  const writer = await context.newPage();
  const other = await context.newPage();
  await openStudio(writer);
  await openStudio(other);
  // The writer follows the studio's protocol for a save (the blob, then the record naming it,
  // both under the shared write lock) and pauses between the two writes.
  await writer.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = indexedDB.open('gums-tensors');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    let wrote!: () => void;
    const written = new Promise<void>((r) => (wrote = r));
    void navigator.locks.request('gums:blob-writes', { mode: 'shared' }, async () => {
      const tx = db.transaction('tensors', 'readwrite');
      tx.objectStore('tensors').put(new Blob([new Uint8Array(64)]), 'ckpt:being-saved');
      await new Promise((r) => (tx.oncomplete = r));
      wrote();
      await new Promise<void>((r) => ((window as unknown as { finishSave: () => void }).finishSave = r));
    });
    await written;
  });
  await other.reload();
  await other.evaluate(() => window.studio.ready);
  const kept = await writer.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((res) => {
      const r = indexedDB.open('gums-tensors');
      r.onsuccess = () => res(r.result);
    });
    const tx = db.transaction('tensors', 'readonly');
    const key = await new Promise((res) => {
      const r = tx.objectStore('tensors').getKey('ckpt:being-saved');
      r.onsuccess = () => res(r.result);
    });
    (window as unknown as { finishSave: () => void }).finishSave();
    return key;
  });
  expect(kept).toBe('ckpt:being-saved');

  // An experiment running in the writer's tab is shown as such in the other and cannot be resumed there.
  const recipe = { ...quickDemo, name: 'tab study', base: { ...quickDemo.base, budget: { kind: 'steps', value: 100000 } }, scales: [1], merges: [{ ...quickDemo.merges[1], scales: [1] }] };
  const expId = await writer.evaluate(async (recipe) => (await window.studio.experiments.run(recipe)).id, recipe);
  await showView(other, 'experiments');
  const row = other.locator(`[data-testid=experiment-row][data-id="${expId}"]`);
  await expect(row).toHaveAttribute('data-elsewhere', 'true');
  await expect(row.getByTestId('experiment-resume')).toHaveCount(0);
  const refused = await other.evaluate(async (id) => {
    const grab = (p: Promise<unknown>) => p.then(() => 'accepted', (e: Error) => e.message);
    return { resume: await grab(window.studio.experiments.resume(id)), del: await grab(window.studio.experiments.delete(id)) };
  }, expId);
  expect(refused.resume).toMatch(/is running in another tab of the studio/);
  expect(refused.del).toMatch(/is running in another tab of the studio/);
  await writer.close();
  await expect(row).toHaveAttribute('data-status', 'interrupted', { timeout: 30_000 });
  await expect(row.getByTestId('experiment-resume')).toHaveCount(1);
});
