// Checkpoint storage precision from the UI: choosing BF16 in the Storage panel states the
// precision given up and the bytes saved, a checkpoint saved then takes about half the bytes of
// the same run saved as F32, its details say how it is stored, and its scores differ from the F32
// checkpoint's by a small stated amount, while the same run saved as F32 twice scores alike.
import { expect, type Page, test } from '@playwright/test';
import { openStudio, showView, TINY_CONFIG, watchConsole } from './helpers';

const TEXTS = ['The jury said the election was conducted fairly.', 'the cat sat on the mat and looked at the door', 'Ég tala smá íslensku.'];
/**
 * BF16 keeps 8 significant bits: each weight moves by at most 2^-8 of itself. On this tiny
 * model that moved a text's log-probability by 1.0e-4 nats per token at most (SwiftShader);
 * the bound leaves ten times that.
 */
const BF16_NATS_PER_TOKEN = 1e-3;

async function trainAndScore(page: Page, base: string, name: string) {
  return page.evaluate(async ({ base, name, texts }) => {
    const s = window.studio;
    const id = await s.train({ from: base, name, data: [{ corpus: 'eng-brown', weight: 1 }], steps: 4, batchSize: 4, seqLen: 32, lr: 1e-2 }).done;
    const m = await s.checkpoints.get(id);
    const tokens = await Promise.all(texts.map((t) => s.tokenize(id, t)));
    return { id, bytes: m.bytes, storage: m.storage, scores: await s.scoreTexts(id, texts), tokens: tokens.map((t) => t.length) };
  }, { base, name, texts: TEXTS });
}

test('BF16 chosen in the Storage panel halves a saved checkpoint, says so, and moves its scores a little', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  const base = await page.evaluate((config) => window.studio.createModel({ name: 'precision base', config, seed: 4 }), TINY_CONFIG);
  await showView(page, 'models');
  const select = page.getByTestId('storage-dtype');
  const words = page.getByTestId('storage-dtype-words');
  await expect(select).toHaveValue('F32');
  await expect(words).toContainText('F32: 24 significant bits, stored exactly as computed; a checkpoint of "precision base": 0.11 MB');

  const f32 = await trainAndScore(page, base, 'as F32');
  const f32Again = await trainAndScore(page, base, 'as F32 again');
  await select.selectOption('BF16');
  await expect(words).toContainText("BF16: 8 significant bits and F32's range; relative error up to 2^-8 ≈ 0.39 % per weight");
  // The header stays F32's size, so a model this small saves a little under half.
  await expect(words).toContainText(/; a checkpoint of "as F32 again": 0\.0\d MB instead of 0\.11 MB as F32 \(saves 0\.05 MB, (49|50) %\)/);
  expect(await page.evaluate(() => window.studio.checkpoints.storageDtype())).toBe('BF16');
  const bf16 = await trainAndScore(page, base, 'as BF16');

  // About half the bytes: the tensors halve, the header stays.
  const share = bf16.bytes / f32.bytes;
  console.log(`stored bytes: F32 ${f32.bytes}, BF16 ${bf16.bytes} (${(100 * share).toFixed(2)} %); measured rounding ${JSON.stringify(bf16.storage)}`);
  expect(f32.storage).toBeUndefined();
  expect(bf16.storage).toMatchObject({ dtype: 'BF16', source: 'rounded' });
  expect(share).toBeGreaterThan(0.49);
  expect(share).toBeLessThan(0.52);
  expect(bf16.storage!.maxRelError).toBeGreaterThan(0);
  expect(bf16.storage!.maxRelError).toBeLessThanOrEqual(2 ** -8);

  // The scores: F32 twice alike; BF16 apart from F32, but by little.
  const perToken = (a: number[], b: number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i]) / f32.tokens[i]));
  const repeat = perToken(f32.scores, f32Again.scores);
  const rounded = perToken(f32.scores, bf16.scores);
  console.log(`scores (nats): F32 ${f32.scores.map((x) => x.toFixed(4)).join(', ')}; BF16 ${bf16.scores.map((x) => x.toFixed(4)).join(', ')}; largest |Δ| per token: BF16 vs F32 ${rounded.toExponential(2)}, F32 run twice ${repeat.toExponential(2)}`);
  expect(rounded).toBeGreaterThan(0);
  expect(rounded).toBeLessThan(BF16_NATS_PER_TOKEN);
  expect(repeat).toBeLessThan(rounded / 10);

  // The checkpoint's details say how it is stored.
  const row = page.locator(`[data-testid="checkpoint-row"][data-id="${bf16.id}"]`);
  await row.getByTestId('checkpoint-details').click();
  const stored = row.getByTestId('checkpoint-storage');
  await expect(stored).toHaveAttribute('data-dtype', 'BF16');
  await expect(stored).toContainText(/BF16, 0\.0\d MB \(≈ 0\.11 MB as F32\)/);
  await expect(row.getByTestId('checkpoint-storage-words')).toContainText("BF16: 8 significant bits and F32's range; relative error up to 2^-8");
  await expect(row.getByTestId('checkpoint-storage-words')).toContainText('measured on save: largest relative error');
  const f32Row = page.locator(`[data-testid="checkpoint-row"][data-id="${f32.id}"]`);
  await f32Row.getByTestId('checkpoint-details').click();
  await expect(f32Row.getByTestId('checkpoint-storage')).toContainText('F32, 0.11 MB');
  await page.getByTestId('storage-panel').screenshot({ path: '/tmp/shots/planner/storage-precision.png' });
  await row.screenshot({ path: '/tmp/shots/planner/checkpoint-storage.png' });

  // Back to F32: new checkpoints are exact again.
  await select.selectOption('F32');
  expect(await page.evaluate(() => window.studio.checkpoints.storageDtype())).toBe('F32');
  expect(errors).toEqual([]);
});
