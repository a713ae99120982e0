// The archive export as a user meets it: a trained tiny model exported from the Models view as
// one .zip named after it, holding one folder with the files transformers reads (plus studio.json
// and a README model card that names its lineage, data and results); the same files written
// into a folder through the File System Access API; the .zip imported back through the Import
// panel scores text exactly as the original; a damaged archive is refused by name and nothing
// stored is lost.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { unzipSync } from 'fflate';
import { openStudio, showView, TINY_CONFIG, watchConsole } from './helpers';

const TEXTS = ['The jury said the election was conducted fairly.', 'Ég tala smá íslensku.', 'the the the'];
const FILES = ['model.safetensors', 'config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'studio.json', 'README.md'];

test('export a trained model as one zip from the Models view, import it back through the Import panel: same scores', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = watchConsole(page);
  await openStudio(page);
  const made = await page.evaluate(async ({ config, texts }) => {
    const s = window.studio;
    const base = await s.createModel({ name: 'export base', config, seed: 4 });
    const trained = await s.train({ from: base, name: 'Þýð export: eng ×1', data: [{ corpus: 'eng-brown', weight: 1 }], steps: 4, batchSize: 4, seqLen: 32, lr: 5e-3 }).done;
    const suite = (await s.suites())[0];
    await s.evaluate({ checkpoints: [trained], suites: [suite.id], maxPairs: 8, validation: true, validationTokens: 256 });
    const m = await s.checkpoints.get(trained);
    return { trained, name: m.name, suite: suite.name, scores: await s.scoreTexts(trained, texts), count: (await s.checkpoints.list()).length };
  }, { config: TINY_CONFIG, texts: TEXTS });

  await showView(page, 'models');
  const row = page.locator(`[data-testid=checkpoint-row][data-id="${made.trained}"]`);
  await row.getByTestId('checkpoint-details').click();
  const exporter = row.getByTestId('checkpoint-export');
  await expect(exporter.getByTestId('export-run')).toHaveText('Export thyd-export-eng-x1.zip');

  // The model card, read before exporting.
  await exporter.getByTestId('export-card').click();
  const card = exporter.getByTestId('export-card-text');
  await expect(card).toContainText('library_name: transformers');
  await expect(card).toContainText('## Lineage');
  await expect(card).toContainText('trained from export base');
  await expect(card).toContainText(`| ${made.suite} | eng |`);
  await exporter.getByTestId('export-card-close').click();
  await expect(exporter.getByTestId('export-card-dialog')).toBeHidden();

  // The archive: one download, named after the checkpoint, one folder of transformers' files.
  const [download] = await Promise.all([page.waitForEvent('download'), exporter.getByTestId('export-run').click()]);
  expect(download.suggestedFilename()).toBe('thyd-export-eng-x1.zip');
  const zipPath = join(mkdtempSync(join(tmpdir(), 'studio-archive-')), download.suggestedFilename());
  await download.saveAs(zipPath);
  const zip = readFileSync(zipPath);
  const entries = unzipSync(new Uint8Array(zip));
  expect(Object.keys(entries)).toEqual(FILES.map((f) => `thyd-export-eng-x1/${f}`));
  const text = (f: string) => new TextDecoder().decode(entries[`thyd-export-eng-x1/${f}`]);
  expect(JSON.parse(text('config.json'))).toMatchObject({ architectures: ['LlamaForCausalLM'], hidden_size: TINY_CONFIG.hidden_size, torch_dtype: 'float32' });
  expect(JSON.parse(text('generation_config.json'))).toMatchObject({ bos_token_id: 256, eos_token_id: 257, pad_token_id: 258 });
  expect(JSON.parse(text('studio.json'))).toMatchObject({ id: made.trained, origin: { method: 'train' } });
  expect(text('README.md')).toContain('AutoModelForCausalLM.from_pretrained("./thyd-export-eng-x1")');
  await expect(exporter.getByTestId('export-status')).toContainText('Saved thyd-export-eng-x1.zip');

  // The same files into a folder (the picker answered with the origin's private file system).
  const written = await page.evaluate(async () => {
    (window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }).showDirectoryPicker = () => navigator.storage.getDirectory();
    return true;
  });
  expect(written).toBe(true);
  await exporter.getByTestId('export-folder').click();
  await expect(exporter.getByTestId('export-status')).toContainText('Wrote the files into /thyd-export-eng-x1/');
  const folder = await page.evaluate(async () => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('thyd-export-eng-x1');
    const out: Record<string, number> = {};
    for await (const [name, h] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemFileHandle]> }).entries()) out[name] = (await h.getFile()).size;
    return out;
  });
  expect(Object.keys(folder).sort()).toEqual([...FILES].sort());
  for (const f of FILES) expect(folder[f]).toBe(entries[`thyd-export-eng-x1/${f}`].length);

  // A damaged archive is refused, by name, with nothing stored or lost.
  const brokenPath = join(mkdtempSync(join(tmpdir(), 'studio-archive-')), 'broken.zip');
  writeFileSync(brokenPath, zip.subarray(0, zip.length - 40));
  await page.getByTestId('import-files').setInputFiles(brokenPath);
  await expect(page.getByTestId('import-error')).toContainText('broken.zip: no zip end-of-directory record');
  expect(await page.evaluate(async () => (await window.studio.checkpoints.list()).length)).toBe(made.count);

  // The archive back through the Import panel.
  await page.getByTestId('import-files').setInputFiles(zipPath);
  await expect(page.getByTestId('import-result')).toContainText(made.name, { timeout: 120_000 });
  const back = await page.evaluate(async ({ texts, trained }) => {
    const list = await window.studio.checkpoints.list();
    const imported = list.find((c) => c.origin.method === 'import')!;
    return { imported, count: list.length, scores: await window.studio.scoreTexts(imported.id, texts), trainedStill: list.some((c) => c.id === trained) };
  }, { texts: TEXTS, trained: made.trained });
  expect(back.count).toBe(made.count + 1);
  expect(back.trainedStill).toBe(true);
  expect(back.imported.tokenizer).toEqual({ kind: 'byte' });
  expect(back.imported.origin.params.exportedFrom).toMatchObject({ id: made.trained, method: 'train' });
  for (let i = 0; i < TEXTS.length; i++) expect(Math.abs(back.scores[i] - made.scores[i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(made.scores[i])));
  console.log(`archive round trip: scores differ by at most ${Math.max(...back.scores.map((x, i) => Math.abs(x - made.scores[i]))).toExponential(2)} nats; zip ${zip.length} bytes`);
  expect(errors).toEqual([]);
});
