// Hugging Face interop in the browser: a trained tiny model exported as files (a model folder's
// files chosen together; the one-archive export is e2e/export.spec.ts) and imported back
// through the file input scores text as before; a BPE model (tokenizer.json with merges, F16
// shards) imports through window.studio, tokenizes with its merges and trains; broken files are
// refused by name and leave the checkpoint list as it was.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { openStudio, showView, TINY_CONFIG, watchConsole } from './helpers';
import { bpeTokenizerFiles } from '../src/core/testing/bpeFixture';
import { encodeSafetensors } from '../src/core/checkpoint/safetensors';
import { initialWeights } from '../src/core/model/init';
import { hfConfigJson } from '../src/core/checkpoint/hfExport';
import { DEFAULT_CONFIG } from '../src/core/model/config';

const TEXTS = ['The jury said the election was conducted fairly.', 'Ég tala smá íslensku.', 'the the the'];

test('export a trained tiny model, import the files through the file input: same scores', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  const out = await page.evaluate(async ({ config, texts }) => {
    const s = window.studio;
    const base = await s.createModel({ name: 'interop base', config, seed: 9 });
    const trained = await s.train({ from: base, name: 'interop trained', data: [{ corpus: 'eng-brown', weight: 1 }], steps: 6, batchSize: 4, seqLen: 32, lr: 5e-3 }).done;
    const files = await s.exportCheckpoint(trained, { dtype: 'F32' });
    return { trained, scores: await s.scoreTexts(trained, texts), files: files.map((f) => ({ name: f.name, bytes: Array.from(f.bytes) })) };
  }, { config: TINY_CONFIG, texts: TEXTS });
  const dir = mkdtempSync(join(tmpdir(), 'studio-export-'));
  const paths = out.files.map((f) => {
    const p = join(dir, f.name);
    writeFileSync(p, Uint8Array.from(f.bytes));
    return p;
  });
  await showView(page, 'models');
  await page.getByTestId('import-files').setInputFiles(paths);
  await expect(page.getByTestId('import-result')).toContainText('interop trained', { timeout: 120_000 });
  const back = await page.evaluate(async ({ trained, texts }) => {
    const list = await window.studio.checkpoints.list();
    const imported = list.find((c) => c.origin.method === 'import')!;
    return { imported, scores: await window.studio.scoreTexts(imported.id, texts), tokens: await window.studio.tokenize(imported.id, 'ab'), trainedTokens: await window.studio.tokenize(trained, 'ab') };
  }, { trained: out.trained, texts: TEXTS });
  expect(back.imported.tokenizer).toEqual({ kind: 'byte' });
  expect(back.imported.origin.params.exportedFrom).toMatchObject({ id: out.trained, method: 'train' });
  expect(back.tokens).toEqual(back.trainedTokens);
  for (let i = 0; i < TEXTS.length; i++) expect(Math.abs(back.scores[i] - out.scores[i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(out.scores[i])));
  console.log(`re-imported scores differ by at most ${Math.max(...back.scores.map((x, i) => Math.abs(x - out.scores[i]))).toExponential(2)} nats`);
  expect(errors).toEqual([]);
});

test('a BPE model in F16 shards imports, tokenizes with its merges and trains; broken files are refused', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  const sample = 'the jury said that the election was held in the city and that the people of the city were there .\n'.repeat(4);
  const tok = bpeTokenizerFiles(sample, 60);
  const config = { ...DEFAULT_CONFIG, ...TINY_CONFIG, vocab_size: tok.vocabSize + 3 };
  const tensors = [...initialWeights(config, 5)].map(([name, w]) => ({ name, shape: w.shape, data: w.data }));
  const half = Math.ceil(tensors.length / 2);
  const shardNames = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];
  const shards = [tensors.slice(0, half), tensors.slice(half)].map((t) => encodeSafetensors(t, { format: 'pt' }, 'F16'));
  const index = { metadata: {}, weight_map: Object.fromEntries(tensors.map((t, i) => [t.name, shardNames[i < half ? 0 : 1]])) };
  const hfConfig = { ...hfConfigJson(config, 'F16'), bos_token_id: 0, eos_token_id: 0, pad_token_id: null };
  const text = (v: unknown) => Array.from(new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v)));
  const files = [
    { name: 'smol-bpe/config.json', bytes: text(hfConfig) },
    { name: 'smol-bpe/model.safetensors.index.json', bytes: text(index) },
    { name: 'smol-bpe/tokenizer.json', bytes: text(tok.tokenizer) },
    { name: 'smol-bpe/tokenizer_config.json', bytes: text(tok.config) },
    ...shards.map((b, i) => ({ name: `smol-bpe/${shardNames[i]}`, bytes: Array.from(b) })),
  ];
  const r = await page.evaluate(async (files) => {
    const s = window.studio;
    const asFiles = (fs: { name: string; bytes: number[] }[]) => fs.map((f) => ({ name: f.name, bytes: Uint8Array.from(f.bytes) }));
    const grab = (p: Promise<unknown>) => p.then(() => 'no error', (e: Error) => e.message);
    const before = (await s.checkpoints.list()).length;
    const shard2 = files.find((f) => f.name.endsWith('/model-00002-of-00002.safetensors'))!;
    const refused = [
      await grab(s.importFiles(asFiles(files.map((f) => (f === shard2 ? { ...f, bytes: f.bytes.slice(0, f.bytes.length - 64) } : f))))),
      await grab(s.importFiles(asFiles(files.filter((f) => f !== shard2)))),
      await grab(s.importFiles(asFiles(files.map((f) => (f.name.endsWith('config.json') && !f.name.includes('tokenizer') ? { ...f, bytes: Array.from(new TextEncoder().encode('{"architectures": ["GPT2LMHeadModel"]}')) } : f))))),
      await grab(s.importFiles(asFiles(files.map((f) => (f.name.endsWith('/config.json') ? { ...f, bytes: [123, 110] } : f))))),
    ];
    const after = (await s.checkpoints.list()).length;
    const imported = await s.importFiles(asFiles(files));
    const m = await s.checkpoints.get(imported.id);
    const tokens = await s.tokenize(imported.id, 'the jury said');
    const run = s.train({ from: imported.id, name: 'bpe trained', data: [{ corpus: 'eng-brown', weight: 1 }], steps: 8, batchSize: 4, seqLen: 32, lr: 1e-2 });
    const trained = await run.done;
    const losses = run.metrics().map((p) => p.loss as number);
    const exported = await s.exportCheckpoint(trained, { dtype: 'BF16' });
    return { refused, before, after, imported, m, tokens, losses, exportedNames: exported.map((f) => f.name), exportedTokenizer: new TextDecoder().decode(exported.find((f) => f.name === 'tokenizer.json')!.bytes) };
  }, files);
  expect(r.refused[0]).toMatch(/model-00002-of-00002.safetensors: (tensor .* offsets|.*truncated)/);
  expect(r.refused[1]).toMatch(/index.json names model-00002-of-00002.safetensors, which is not among the files/);
  expect(r.refused[2]).toMatch(/config.json: architectures \["GPT2LMHeadModel"\] is not supported; supported: LlamaForCausalLM, MistralForCausalLM/);
  expect(r.refused[3]).toMatch(/config.json is not valid JSON/);
  expect(r.after).toBe(r.before);
  expect(r.imported.name).toBe('smol-bpe');
  expect(r.m.tokenizer).toMatchObject({ kind: 'hf', bos: 0, eos: 0, vocabSize: tok.vocabSize });
  expect(r.m.origin.params.dtypes).toEqual(['F16']);
  expect(r.tokens[0]).toBe(0);
  expect(r.tokens.length - 1).toBeLessThan('the jury said'.length / 2); // merges applied
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  expect(mean(r.losses.slice(-3))).toBeLessThan(mean(r.losses.slice(0, 3)));
  expect(r.exportedNames).toEqual(['model.safetensors', 'config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'studio.json', 'README.md']);
  expect(r.exportedTokenizer).toBe(tok.tokenizer);
  expect(errors).toEqual([]);
});
