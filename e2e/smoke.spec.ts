import { expect, test } from '@playwright/test';

test('smoke: webgpu backend and a few training steps', async ({ page }) => {
  page.on('console', (m) => console.log('[console]', m.type(), m.text()));
  await page.goto('/');
  const info = await page.evaluate(async () => {
    await window.studio.ready;
    return window.studio.backend();
  });
  console.log(JSON.stringify(info));
  const result = await page.evaluate(async () => {
    const s = window.studio;
    const id = await s.createModel({ name: 'tiny', config: { hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, max_position_embeddings: 32 } });
    const t0 = performance.now();
    const run = s.train({ from: id, data: [{ corpus: 'eng-brown', weight: 1 }], steps: 5, batchSize: 4, seqLen: 32, lr: 3e-3, watch: ['eng-brown'], evalTokens: 256 });
    const out = await run.done;
    return { out, ms: performance.now() - t0, metrics: run.metrics() };
  });
  console.log(JSON.stringify(result));
  expect(result.metrics.length).toBeGreaterThan(3);
});
