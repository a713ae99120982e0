// Growth in the browser: grow a trained tiny model in the Grow panel, read the preservation
// figure, and train the grown model further.
import { expect, test } from '@playwright/test';
import { openStudio, showView, TINY_CONFIG, watchConsole } from './helpers';

test('hyperclone a trained model in the UI: function preserved, the grown model trains', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  const trained = await page.evaluate(async (config) => {
    const base = await window.studio.createModel({ name: 'grow base', config, seed: 4 });
    const run = window.studio.train({ from: base, name: 'grow parent', data: [{ corpus: 'eng-brown', weight: 1 }], steps: 12, batchSize: 8, seqLen: 32, lr: 5e-3 });
    return run.done;
  }, TINY_CONFIG);

  await showView(page, 'grow');
  await page.getByTestId('grow-from').selectOption(trained);
  await page.getByTestId('grow-method').selectOption('hyperclone');
  await page.getByTestId('param-factor').fill('2');
  await expect(page.getByTestId('grow-preview')).toContainText('64');
  await page.getByTestId('grow-name').fill('grown x2');
  await page.getByTestId('grow-run').click();
  await expect(page.getByTestId('grow-result')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('grow-preservation')).toContainText('|Δ log p|');
  await expect(page.getByTestId('checkpoint-row').filter({ hasText: 'grown x2' })).toHaveCount(1);

  const grown = await page.evaluate(async () => (await window.studio.checkpoints.list()).find((c) => c.name === 'grown x2')!);
  expect(grown.parents).toEqual([trained]);
  expect(grown.config.hidden_size).toBe(64);
  expect(grown.config.logit_scale).toBe(0.5);
  expect(grown.growth!.check.corpusId).toBe('eng-brown');
  expect(grown.growth!.check.maxAbsLogProbDiff).toBeLessThan(1e-4);
  expect(Math.abs(grown.growth!.check.lossA - grown.growth!.check.lossB)).toBeLessThan(1e-5);
  console.log(`preservation on WebGPU: max |Δ log p| = ${grown.growth!.check.maxAbsLogProbDiff.toExponential(2)}`);

  const metrics = await page.evaluate(async (from) => {
    const run = window.studio.train({ from, data: [{ corpus: 'eng-brown', weight: 1 }], steps: 10, batchSize: 8, seqLen: 32, lr: 3e-3 });
    await run.done;
    return run.metrics().map((m) => m.loss as number);
  }, grown.id);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  expect(mean(metrics.slice(-3))).toBeLessThan(mean(metrics.slice(0, 3)));
  expect(errors).toEqual([]);
});

test('depth up-scaling is flagged as not preserving; bad parameters are refused and nothing is written', async ({ page }) => {
  await openStudio(page);
  const r = await page.evaluate(async (config) => {
    const s = window.studio;
    const base = await s.createModel({ name: 'depth base', config });
    const before = (await s.checkpoints.list()).length;
    const grab = async (f: () => Promise<unknown>) => f().then(() => 'no error', (e: Error) => e.message);
    const errors = [
      await grab(() => s.grow(base, { method: 'hyperclone', factor: 1 })),
      await grab(() => s.grow(base, { method: 'depth_upscale', k: 2 })),
      await grab(() => s.grow(base, { method: 'block_expand', every: 0 })),
    ];
    const after = (await s.checkpoints.list()).length;
    const deep = await s.grow(base, { method: 'depth_upscale', k: 1 });
    const expanded = await s.grow(base, { method: 'block_expand', every: 1, trainOnlyNew: true });
    const hyper = await s.grow(base, { method: 'hyperclone', factor: 2 });
    const files = await s.exportCheckpoint(hyper, { dtype: 'BF16' });
    const exported = {
      names: files.map((f) => f.name),
      config: JSON.parse(new TextDecoder().decode(files.find((f) => f.name === 'config.json')!.bytes)),
      header: new TextDecoder().decode(files[0].bytes.subarray(8, 8 + Number(new DataView(files[0].bytes.buffer, files[0].bytes.byteOffset).getBigUint64(0, true)))),
    };
    // The logit scale (1/2 for a HyperCloned tied head) is folded into model.norm.weight, so the
    // F32 files import as an ordinary Llama (scale 1) that scores as the grown model does.
    const f32 = await s.exportCheckpoint(hyper, { dtype: 'F32' });
    const imported = await s.importFiles(f32.map((f) => ({ name: f.name, bytes: f.bytes })), { name: 'hyper re-imported' });
    const texts = ['The cat sat on the mat.', 'Ideas sleep.'];
    const scores = { hyper: await s.scoreTexts(hyper, texts), imported: await s.scoreTexts(imported.id, texts), scale: (await s.checkpoints.get(hyper)).config.logit_scale, importedScale: (await s.checkpoints.get(imported.id)).config.logit_scale };
    return { errors, before, after, deep: await s.checkpoints.get(deep), expanded: await s.checkpoints.get(expanded), stats: await s.modelStats(expanded), exported, scores };
  }, TINY_CONFIG);
  expect(r.errors[0]).toMatch(/hyperclone: factor must be from 2 to 8, got 1/);
  expect(r.errors[1]).toMatch(/depth_upscale: k must be from 0 to 1 for a model of 2 layers/);
  expect(r.errors[2]).toMatch(/block_expand: every must be from 1/);
  expect(r.after).toBe(r.before);
  expect(r.deep.config.num_hidden_layers).toBe(2);
  expect(r.deep.growth!.functionPreserving).toBe(false);
  expect(r.deep.growth!.layerMap).toEqual([0, 1]);
  expect(r.expanded.config.num_hidden_layers).toBe(4);
  expect(r.expanded.growth!.check.maxAbsLogProbDiff).toBeLessThan(1e-4);
  expect(r.expanded.trainable!.every((n) => /^model\.layers\.[13]\./.test(n))).toBe(true);
  expect(r.stats.parameters.total).toBe(r.expanded.parameterCount);
  expect(r.exported.names).toEqual(['model.safetensors', 'config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'studio.json', 'README.md']);
  expect(r.exported.config).toMatchObject({ architectures: ['LlamaForCausalLM'], hidden_size: 64, num_attention_heads: 8, num_key_value_heads: 4, torch_dtype: 'bfloat16' });
  expect(r.exported.config).not.toHaveProperty('studio_logit_scale');
  expect(r.scores.scale).toBe(0.5);
  expect(r.scores.importedScale).toBe(1);
  r.scores.hyper.forEach((x, i) => expect(Math.abs(r.scores.imported[i] - x)).toBeLessThan(1e-4 * Math.abs(x)));
  expect(JSON.parse(r.exported.header)['model.layers.0.self_attn.q_proj.weight']).toMatchObject({ dtype: 'BF16', shape: [64, 64] });
});
