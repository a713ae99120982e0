// Forms that say what is wrong as it is typed, and errors beside what caused them: the Train form
// marks steps −10, batch 0, lr −1 and seq len 500 at once (nothing reset, Start disabled); the
// Create form previews parameters, memory and storage and warns for a config the device cannot
// train; an import whose tensors do not match its config says so in one line beside the import
// control with the list on demand; the notice stack stays bounded in its corner.
import { expect, type Page, test } from '@playwright/test';
import { openStudio, showView, TINY_CONFIG, watchConsole } from './helpers';
import { encodeSafetensors } from '../src/core/checkpoint/safetensors';
import { initialWeights } from '../src/core/model/init';
import { hfConfigJson } from '../src/core/checkpoint/hfExport';
import { DEFAULT_CONFIG } from '../src/core/model/config';
import { byteTokenizerJson } from '../src/core/tokenizer/byte';

/** The field's message, checked to be the one its control's aria-describedby names. */
async function expectFieldError(page: Page, testId: string, text: string | RegExp) {
  const input = page.getByTestId(testId);
  const message = page.getByTestId(`${testId}-error`);
  await expect(message).toHaveText(text);
  await expect(input).toHaveAttribute('aria-invalid', 'true');
  expect(await input.getAttribute('aria-describedby')).toBe(await message.getAttribute('id'));
}

test('the Train form marks each bad field as it is typed, keeps what was typed and disables Start', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  await page.evaluate((config) => window.studio.createModel({ name: 'forms tiny', config, seed: 1 }), TINY_CONFIG);
  await showView(page, 'train');
  const start = page.getByTestId('train-start');
  await page.getByTestId('train-seqLen').fill('16');
  await expect(start).toBeEnabled();

  await page.getByTestId('train-steps').fill('-10');
  await expectFieldError(page, 'train-steps', 'must be an integer from 1 to 10000000');
  await expect(start).toBeDisabled();
  await page.getByTestId('train-batchSize').fill('0');
  await expectFieldError(page, 'train-batchSize', 'must be an integer from 1 to 4096');
  await page.getByTestId('train-lr').fill('-1');
  await expectFieldError(page, 'train-lr', 'must be a number above 0 and at most 1');
  await page.getByTestId('train-seqLen').fill('500');
  await expectFieldError(page, 'train-seqLen', `must be an integer from 2 to ${TINY_CONFIG.max_position_embeddings} (the model's max_position_embeddings)`);
  // Nothing is fitted or reset behind the user's back.
  await page.waitForTimeout(300);
  for (const [id, v] of [['train-steps', '-10'], ['train-batchSize', '0'], ['train-lr', '-1'], ['train-seqLen', '500']]) await expect(page.getByTestId(id)).toHaveValue(v);
  await expect(start).toBeDisabled();
  await expect(page.getByTestId('train-invalid')).toHaveText('fix the 4 fields marked above to start');

  for (const [id, v] of [['train-steps', '20'], ['train-batchSize', '4'], ['train-lr', '0.003'], ['train-seqLen', '32']]) await page.getByTestId(id).fill(v);
  await expect(page.locator('[aria-invalid="true"]')).toHaveCount(0);
  await expect(start).toBeEnabled();
  expect(errors).toEqual([]);
});

test('the Create form previews parameters, memory and storage as it is typed, and warns for a config the device cannot train', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  await showView(page, 'models');
  await page.getByTestId('model-preset').selectOption('tiny');
  const params = page.getByTestId('cost-params');
  await expect(params).toContainText('(26,880)'); // d=32: embed 259·32 + 2 layers of 9,280 + final norm 32
  await expect(page.getByTestId('cost-weights')).toHaveText('0.11 MB');
  await expect(page.getByTestId('cost-training')).toContainText('at batch 8 × seq 64');
  await expect(page.getByTestId('cost-stored')).toContainText('MB');
  await expect(page.getByTestId('config-warning')).toHaveCount(0);

  await page.getByTestId('config-hidden_size').fill('64');
  await expect(params).toContainText('(66,048)');
  await page.getByTestId('config-hidden_size').fill('-3');
  await expectFieldError(page, 'config-hidden_size', 'must be an integer of at least 1');
  await expect(page.getByTestId('create-model')).toBeDisabled();

  // About 1.4 G parameters: each tensor fits a GPU buffer, but training needs far more memory than a tab has.
  await page.getByTestId('config-hidden_size').fill('4096');
  await page.getByTestId('config-intermediate_size').fill('11008');
  await page.getByTestId('config-num_hidden_layers').fill('8');
  await expect(params).toContainText('1.49G');
  const warning = page.getByTestId('config-warning').and(page.locator('[data-what="training"]'));
  await expect(warning).toContainText(/training at batch 8 × seq 64 needs about [\d.]+ GB, more than [\d.]+ GB/);

  // The seed: the form and studio.createModel apply one rule (INIT_SEED, core/model/init.ts).
  await page.getByTestId('model-seed').fill('-1');
  await expectFieldError(page, 'model-seed', 'must be an integer from 0 to 4294967295');
  await expect(page.getByTestId('create-model')).toBeDisabled();
  await page.getByTestId('model-seed').fill('7');
  await expect(page.getByTestId('model-seed-error')).toHaveCount(0);
  const refused = await page.evaluate((config) => window.studio.createModel({ name: 'bad seed', config, seed: -1 }).then(() => 'created', (e: Error) => e.message), TINY_CONFIG);
  expect(refused).toBe('seed must be an integer from 0 to 4294967295, got -1');
  expect(errors).toEqual([]);
});

test('an import whose tensors do not match its config says so in one line beside the import control, the list on demand', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  await showView(page, 'models');
  const weightsConfig = { ...DEFAULT_CONFIG, ...TINY_CONFIG };
  const tensors = [...initialWeights(weightsConfig, 3)].map(([name, w]) => ({ name, shape: w.shape, data: w.data }));
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));
  await page.getByTestId('import-files').setInputFiles([
    { name: 'config.json', mimeType: 'application/json', buffer: json(hfConfigJson({ ...weightsConfig, hidden_size: 64, intermediate_size: 128 }, 'F32')) },
    { name: 'tokenizer.json', mimeType: 'application/json', buffer: json(byteTokenizerJson()) },
    { name: 'model.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(encodeSafetensors(tensors, { format: 'pt' })) },
  ]);
  const error = page.getByTestId('import-error');
  const line = page.getByTestId('import-error-line');
  await expect(line).toHaveText("model.safetensors does not match its config (20 problems)"); // 2 layers × 9 tensors, the embedding and the final norm
  expect((await line.boundingBox())!.height).toBeLessThan(40); // one line, not the list
  const details = error.locator('details');
  await expect(details.locator('li').first()).toBeHidden();
  await details.locator('summary').click();
  await expect(details.locator('li')).toHaveCount(9); // eight problems and "and 12 more"
  await expect(details.locator('li').last()).toHaveText(/^and \d+ more$/);
  // Beside the control that caused it, not also as a toast over the page.
  await expect(page.getByTestId('notice')).toHaveCount(0);
  expect(errors).toEqual([]);
});

const BAD_SUITE = '{"sentence_good": "The dogs are here.", "sentence_bad": "The dogs is here.", "UID": "agr"}\n{"sentence_good": broken\n';

test('notices stack newest first in a corner, at most three shown with the rest counted', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  await showView(page, 'evaluate');
  await page.getByTestId('suite-format').selectOption('blimp');
  for (const i of [1, 2, 3]) {
    await page.getByTestId('suite-name').fill(`bad suite ${i}`);
    await page.getByTestId('suite-file').setInputFiles({ name: `bad${i}.jsonl`, mimeType: 'application/jsonl', buffer: Buffer.from(BAD_SUITE) });
    await expect(page.getByTestId('notice').first()).toContainText(`bad suite ${i}`);
  }
  // Each import tells its pairs (information) and its bad line (an error): six notices, three shown.
  await expect(page.getByTestId('notice')).toHaveCount(3);
  await expect(page.getByTestId('notices-more')).toHaveText(/^\d more$/);
  await expect(page.getByTestId('notices')).toHaveAttribute('aria-live', 'polite');
  const stack = (await page.getByTestId('notices').boundingBox())!;
  const viewport = page.viewportSize()!;
  expect(stack.height).toBeLessThan(viewport.height * 0.4);
  expect(stack.x + stack.width).toBeLessThanOrEqual(viewport.width);
  expect(stack.width).toBeLessThanOrEqual(400);
  // The page keeps room below its content as tall as the stack: scrolled to the end, nothing is under it.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  const covered = await page.evaluate(() => {
    const top = document.querySelector('[data-testid="notices"]')!.getBoundingClientRect().top;
    const panels = [...document.querySelectorAll('.panel')].filter((p) => p.getClientRects().length > 0);
    return panels.filter((p) => p.getBoundingClientRect().bottom > top).map((p) => p.getAttribute('data-testid'));
  });
  expect(covered).toEqual([]);
  await page.getByTestId('notices-dismiss-all').click();
  await expect(page.getByTestId('notice')).toHaveCount(0);
  expect(errors).toEqual([]);
});
