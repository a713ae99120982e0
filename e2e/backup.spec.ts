// Eviction and persistence: the first saved model asks for persistent storage and the Models panel
// says what the browser answered; a workspace backup (two models, a run, a user corpus) survives
// deleting everything and restores with the same scores; restoring it again into the populated
// studio skips every item as identical; a renamed model clashes and the user keeps both; a
// truncated or altered backup is refused naming what is wrong, with nothing added.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { fillQuota, openStudio, showView, TINY_CONFIG, watchConsole } from './helpers';

const TEXTS = ['The cat sat on the mat.', 'Colorless green ideas sleep furiously.'];

test('back up, delete everything, restore: same lists, same scores; identical skipped; clashes asked; damaged files refused', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  expect(await page.evaluate(() => localStorage.getItem('gums-persist-asked'))).toBeNull();

  const made = await page.evaluate(async (config) => {
    const s = window.studio;
    const a = await s.createModel({ name: 'backup A', config, seed: 1 });
    const b = await s.createModel({ name: 'backup B', config, seed: 2 });
    const corpus = await s.addCorpus('mine.txt', 'the first line of my corpus\nthe second line\na third line here\nand a fourth', { name: 'my corpus', language: 'eng' });
    const trained = await s.train({ from: a, name: 'backup A trained', data: [{ corpus: corpus.id, weight: 1 }], steps: 3, batchSize: 2, seqLen: 16, lr: 3e-3, watch: [corpus.id], evalTokens: 64 }).done;
    return { a, b, trained, corpus: corpus.id };
  }, TINY_CONFIG);

  // The first save asked for persistence once; the panel shows the browser's answer.
  await expect.poll(() => page.evaluate(() => localStorage.getItem('gums-persist-asked'))).not.toBeNull();
  await showView(page, 'models');
  const storage = await page.evaluate(() => window.studio.storage());
  await expect(page.getByTestId('persistence')).toContainText(storage.persisted ? 'Persistent storage granted' : 'the browser may evict the studio\'s data under storage pressure; keep a backup');

  const ids = [made.a, made.b, made.trained];
  const scoreAll = () => page.evaluate(async ({ ids, texts }) => Promise.all(ids.map((id) => window.studio.scoreTexts(id, texts))), { ids, texts: TEXTS });
  const before = await scoreAll();
  const listed = async () => page.evaluate(async () => ({
    checkpoints: (await window.studio.checkpoints.list()).map((c) => `${c.id} ${c.name}`).sort(),
    runs: (await window.studio.runs.list()).map((r) => `${r.id} ${r.status} ${r.resultId}`).sort(),
    corpora: (await window.studio.corpora()).filter((c) => c.source === 'user').map((c) => `${c.id} ${c.name}`),
  }));
  const original = await listed();
  expect(original.checkpoints).toHaveLength(3);
  expect(original.runs).toHaveLength(1);

  // Back up through the UI; this browser's save dialog cannot be driven, so the download path is taken.
  await page.evaluate(() => delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker);
  const t0 = Date.now();
  const download = page.waitForEvent('download');
  await page.getByTestId('backup-save').click();
  const file = await (await download).path();
  const backupMs = Date.now() - t0;
  await expect(page.getByTestId('backup-status')).toContainText('Backed up 5 items');
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 8).toString('latin1')).toBe('GUMSBKP\n');

  // The File System Access path streams the same bytes into the writable, part by part.
  const streamed = await page.evaluate(async () => {
    const parts: Blob[] = [];
    let closed = false;
    const summary = await window.studio.writeBackup({ write: async (p) => void parts.push(new Blob([p as BlobPart])), close: async () => void (closed = true) });
    const whole = new Uint8Array(await new Blob(parts).arrayBuffer());
    return { closed, parts: parts.length, bytes: summary.bytes, head: [...whole.subarray(0, 8)], size: whole.length };
  });
  expect(streamed).toMatchObject({ closed: true, bytes: bytes.length, size: bytes.length });
  expect(streamed.parts).toBeGreaterThan(5);

  // Delete everything.
  await page.evaluate(async ({ ids, corpus }) => {
    const s = window.studio;
    for (const r of await s.runs.list()) await s.runs.delete(r.id);
    for (const id of [...ids].reverse()) await s.checkpoints.delete(id);
    await s.deleteCorpus(corpus);
  }, { ids, corpus: made.corpus });
  expect(await listed()).toEqual({ checkpoints: [], runs: [], corpora: [] });
  await expect(page.getByTestId('checkpoint-row')).toHaveCount(0);

  // Restore through the UI into the empty studio.
  const t1 = Date.now();
  await page.getByTestId('backup-file').setInputFiles(file);
  await expect(page.getByTestId('backup-status')).toContainText('Restored 5 items');
  const restoreMs = Date.now() - t1;
  await expect(page.getByTestId('checkpoint-row')).toHaveCount(3);
  expect(await listed()).toEqual(original);
  expect(await scoreAll()).toEqual(before);
  const after = await page.evaluate(() => window.studio.storage());

  // Again, into the populated studio: every item is the same, nothing is asked or added.
  await page.getByTestId('backup-file').setInputFiles(file);
  await expect(page.getByTestId('backup-status')).toContainText('Restored 0 items');
  await expect(page.getByTestId('backup-status')).toContainText('5 already here');
  await expect(page.getByTestId('backup-clash')).toHaveCount(0);
  expect(await listed()).toEqual(original);

  // A model renamed since the backup clashes: the user is asked, and keeps both.
  await page.evaluate((id) => window.studio.checkpoints.rename(id, 'backup B renamed'), made.b);
  await page.getByTestId('backup-file').setInputFiles(file);
  await expect(page.getByTestId('backup-clash')).toContainText('model “backup B”');
  for (const width of [1440, 1024]) {
    await page.setViewportSize({ width, height: 900 });
    await page.getByTestId('storage-panel').screenshot({ path: `/tmp/backup-shots/backup-clash-${width}.png` });
  }
  await page.getByTestId('clash-rename').click();
  await expect(page.getByTestId('backup-status')).toContainText('Restored 1 item');
  await expect(page.getByTestId('checkpoint-row').filter({ hasText: 'backup B (restored)' })).toHaveCount(1);
  const copy = await page.evaluate(async () => (await window.studio.checkpoints.list()).find((c) => c.name === 'backup B (restored)')!.id);
  expect(copy).toBe(`${made.b}-restored`);
  expect(await page.evaluate(({ id, texts }) => window.studio.scoreTexts(id, texts), { id: copy, texts: TEXTS })).toEqual(before[1]);

  // A truncated backup is refused through the UI, an altered one through the API; nothing is added.
  const count = (await listed()).checkpoints.length;
  await page.getByTestId('backup-file').setInputFiles({ name: 'cut.gumsbackup', mimeType: 'application/octet-stream', buffer: bytes.subarray(0, bytes.length - 100) });
  await expect(page.getByTestId('backup-error')).toContainText('backup "cut.gumsbackup" refused: entry tensors/');
  await expect(page.getByTestId('backup-error')).toContainText('runs past the end of the file at byte');
  const flipped = Buffer.from(bytes);
  flipped[flipped.length - 30] ^= 1;
  const altered = await page.evaluate((b) => window.studio.restoreWorkspace(new Blob([new Uint8Array(b)])).then(() => 'accepted', (e: Error) => e.message), [...flipped]);
  expect(altered).toMatch(/^entry \S+ \(\d+ bytes from byte \d+\) does not match its SHA-256: the backup was altered or damaged$/);
  expect((await listed()).checkpoints).toHaveLength(count);

  for (const width of [1440, 1024]) {
    await page.setViewportSize({ width, height: 900 });
    await page.getByTestId('storage-panel').screenshot({ path: `/tmp/backup-shots/backup-section-${width}.png` });
  }
  console.log(`backup: ${bytes.length} bytes (storage used ${storage.usage} before, ${after.usage} after restore; checkpoints ${storage.checkpointBytes} bytes); backup ${backupMs} ms, restore ${restoreMs} ms (UI, click to status)`);
  expect(errors).toEqual([]);
});

test('a restore that does not fit the storage quota is refused with a sentence and leaves nothing; with room it restores', async ({ page }) => {
  const errors = watchConsole(page);
  // Chromium applies a quota override when the origin's storage is first used, and later only when raised.
  const cdp = await page.context().newCDPSession(page);
  const origin = 'http://localhost:4173';
  let quota = 40e6;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: quota });
  await openStudio(page);
  const file = await page.evaluate(async (config) => {
    const s = window.studio;
    const ids = [await s.createModel({ name: 'quota A', config, seed: 1 }), await s.createModel({ name: 'quota B', config, seed: 2 })];
    const corpus = await s.addCorpus('q.txt', 'one line of text\nanother line of text\na third', { name: 'quota corpus' });
    const bytes = [...new Uint8Array(await (await s.backupWorkspace()).arrayBuffer())];
    for (const id of ids) await s.checkpoints.delete(id);
    await s.deleteCorpus(corpus.id);
    return bytes;
  }, TINY_CONFIG);
  const keysOf = () => page.evaluate(async () => {
    const count = (db: string, store: string) => new Promise<number>((res, rej) => {
      const open = indexedDB.open(db);
      open.onerror = () => rej(open.error);
      open.onsuccess = () => {
        const d = open.result;
        if (!d.objectStoreNames.contains(store)) return res(0);
        const r = d.transaction(store).objectStore(store).count();
        r.onsuccess = () => res(r.result);
      };
    });
    return { manifests: await count('gums-manifests', 'manifests'), tensors: await count('gums-tensors', 'tensors'), corpora: await count('gums-corpora', 'corpora') };
  });
  expect(await keysOf()).toEqual({ manifests: 0, tensors: 0, corpora: 0 });

  // A full disk with 60 kB of room: not even one checkpoint's tensors (110 kB) fit. (Chromium's quota
  // accounting lags behind blob writes, so a refusal after some writes cannot be staged reliably here;
  // backup.test.ts fails writes midway against in-memory stores and checks that all are undone.)
  await fillQuota(page);
  quota += 60e3;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: quota });
  const restore = () => page.evaluate((b) => window.studio.restoreWorkspace(new Blob([new Uint8Array(b)])).then((r) => `restored ${r.restored.length}`, (e: Error) => e.message), file);
  const refused = await restore();
  expect(refused).toMatch(/^Not enough browser storage to restore the backup: writing tensors\/ckpt:\S+ \(write 1 of 5; the restore needs 219.1 kB of blobs\) hit the storage quota; nothing had been written yet, so nothing changed\. The browser counts [\d.]+ [kMG]B used of the [\d.]+ [kMG]B it allows this site \([\d.]+ [kMG]B free\)\. Delete checkpoints/);
  expect(await keysOf()).toEqual({ manifests: 0, tensors: 0, corpora: 0 });
  expect(await page.evaluate(() => window.studio.checkpoints.list())).toEqual([]);

  quota += 20e6;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: quota });
  expect(await restore()).toBe('restored 3');
  expect(await keysOf()).toEqual({ manifests: 2, tensors: 2, corpora: 1 });
  console.log(`quota: ${refused}`);
  expect(errors).toEqual([]);
});
