// Tensors over the GPU binding limit on WebGPU (SwiftShader in CI): with a binding limit forced
// below a tiny model's embedding (studio.setBackend's maxBindingBytes, the same path a low-limit
// adapter takes with its own limit), the engine holds the embedding in row shards and the loss in
// tiles; two training steps, the validation loss and the scores equal the unsplit run's, and the
// export holds the one embedding tensor. A device requested with WebGPU's default limits reports
// 128 MiB per binding and trains.
import { expect, test } from '@playwright/test';
import { openStudio, TINY_CONFIG, watchConsole } from './helpers';

// 259 x 32 float32 = 33,152 bytes; under 8192 bytes: 5 row shards of 64 rows (the last 3), and
// the logits of 4 x 32 positions (132 kB) in tiles of 32 positions per shard.
const LIMIT = 8192;

test('a model whose embedding exceeds the binding limit trains and scores as the unsplit model', async ({ page }) => {
  test.setTimeout(300_000);
  const errors = watchConsole(page);
  await openStudio(page);
  const r = await page.evaluate(async ({ config, limit }) => {
    const s = window.studio;
    s.checkpoints.storageDtype('F32');
    const whole = await s.setBackend('webgpu');
    const base = await s.createModel({ name: 'large tensors', config, seed: 5 });
    async function embeddingShape(id: string): Promise<number[]> {
      const file = (await s.exportCheckpoint(id, { dtype: 'F32' })).find((f) => f.name === 'model.safetensors')!;
      const n = Number(new DataView(file.bytes.buffer, file.bytes.byteOffset).getBigUint64(0, true));
      const header = JSON.parse(new TextDecoder().decode(file.bytes.subarray(8, 8 + n))) as Record<string, { shape: number[] }>;
      return Object.keys(header).filter((k) => k.includes('embed_tokens')).map((k) => [k, ...header[k].shape]).flat() as number[];
    }
    async function run() {
      const started = performance.now();
      const job = s.train({ from: base, data: [{ corpus: 'eng-brown', weight: 1 }], steps: 2, batchSize: 4, seqLen: 32, lr: 1e-2, clip: 0, warmupSteps: 0, schedule: 'constant' });
      const id = await job.done;
      const seconds = (performance.now() - started) / 1000;
      const loss = job.metrics().filter((m) => m.loss !== null).map((m) => m.loss as number);
      const valid = await s.validationLoss(id, 'eng-brown', { seqLen: 32, maxTokens: 256 });
      const scores = await s.scoreTexts(id, ['the cat sat on the mat', 'a dog ran home']);
      const shape = await embeddingShape(id);
      await s.checkpoints.delete(id);
      return { loss, valid, scores, shape, seconds };
    }
    const a = await run();
    const split = await s.setBackend('webgpu', { maxBindingBytes: limit });
    const b = await run();
    const refused = await s.setBackend('webgpu', { maxBindingBytes: 12 }).then(() => 'accepted', (e: Error) => e.message);
    const defaults = await s.setBackend('webgpu', { limits: 'default' });
    const c = await run();
    await s.setBackend('webgpu');
    return { whole: whole.bindingLimit, split: split.bindingLimit, defaults: { limits: defaults.limits, bindingLimit: defaults.bindingLimit }, a, b, c, refused };
  }, { config: TINY_CONFIG, limit: LIMIT });
  console.log(JSON.stringify(r));
  expect(r.whole?.source).toBe('device');
  expect(r.split).toEqual({ bytes: LIMIT, source: 'forced' });
  // Equal to float tolerance, and the split run really ran split: the same losses, not the same run twice (see shards.test.ts for the layout).
  r.b.loss.forEach((l, i) => expect(Math.abs(l - r.a.loss[i])).toBeLessThan(1e-4));
  expect(Math.abs(r.b.valid - r.a.valid)).toBeLessThan(1e-4);
  r.b.scores.forEach((x, i) => expect(Math.abs(x - r.a.scores[i])).toBeLessThan(1e-3));
  expect(r.b.shape).toEqual(['model.embed_tokens.weight', 259, 32]);
  expect(r.refused).toMatch(/maxBindingBytes must be an integer of at least 1024 bytes, got 12/);
  // WebGPU's default limits, not SwiftShader's 1 GiB.
  expect(r.defaults.limits?.maxStorageBufferBindingSize).toBe(2 ** 27);
  expect(r.defaults.bindingLimit).toEqual({ bytes: 2 ** 27, source: 'device' });
  r.c.loss.forEach((l, i) => expect(Math.abs(l - r.a.loss[i])).toBeLessThan(1e-4));
  expect(errors).toEqual([]);
});
