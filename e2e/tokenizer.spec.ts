// Hostile tokenizers in the browser: a tokenizer.json whose Split pre-tokenizer or Replace
// normalizer holds the catastrophic regex (a+)+$ is refused within seconds, naming the regex,
// while the page keeps answering; an unknown model type is refused by path; one already in
// storage (an older version's record, a restored backup) is refused before the engine runs it; a
// refused import stores no tokenizer record, and deleting the last checkpoint with a tokenizer
// frees its files.
import { expect, test, type Page } from '@playwright/test';
import { openStudio, TINY_CONFIG, watchConsole } from './helpers';
import { bpeTokenizerFiles } from '../src/core/testing/bpeFixture';
import { encodeSafetensors } from '../src/core/checkpoint/safetensors';
import { initialWeights } from '../src/core/model/init';
import { hfConfigJson } from '../src/core/checkpoint/hfExport';
import { DEFAULT_CONFIG } from '../src/core/model/config';

type FileBytes = { name: string; bytes: number[] };
const SAMPLE = 'the jury said that the election was held in the city and that the people of the city were there .\n'.repeat(4);
const text = (v: unknown) => Array.from(new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v)));

/** A tiny Llama's files with `tokenizer` (tokenizer.json as an object) and the fixture's tokenizer_config.json. */
function modelFiles(tokenizer: Record<string, unknown>, merges = 60): FileBytes[] {
  const tok = bpeTokenizerFiles(SAMPLE, merges);
  const config = { ...DEFAULT_CONFIG, ...TINY_CONFIG, vocab_size: tok.vocabSize + 3 };
  const tensors = [...initialWeights(config, 5)].map(([name, w]) => ({ name, shape: w.shape, data: w.data }));
  return [
    { name: 'tiny-bpe/config.json', bytes: text({ ...hfConfigJson(config, 'F32'), bos_token_id: 0, eos_token_id: 0 }) },
    { name: 'tiny-bpe/tokenizer.json', bytes: text(tokenizer) },
    { name: 'tiny-bpe/tokenizer_config.json', bytes: text(tok.config) },
    { name: 'tiny-bpe/model.safetensors', bytes: Array.from(encodeSafetensors(tensors, { format: 'pt' })) },
  ];
}

const fixture = (merges = 60) => JSON.parse(bpeTokenizerFiles(SAMPLE, merges).tokenizer) as Record<string, unknown>;

/** Keys of the studio's tokenizer store, read from IndexedDB directly. */
async function storedTokenizers(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    // Opening a database that does not exist would create it empty, under idb-keyval's feet.
    if (!(await indexedDB.databases()).some((d) => d.name === 'gums-tokenizers')) return [];
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = indexedDB.open('gums-tokenizers');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    if (!db.objectStoreNames.contains('tokenizers')) return [];
    const keys = await new Promise<IDBValidKey[]>((res) => {
      const r = db.transaction('tokenizers', 'readonly').objectStore('tokenizers').getAllKeys();
      r.onsuccess = () => res(r.result);
    });
    db.close();
    return keys.map(String);
  });
}

/** Imports `files`, timing it and the longest gap between 20 ms ticks of the page meanwhile. */
async function timedImport(page: Page, files: FileBytes[]): Promise<{ message: string; ms: number; longestGapMs: number; ticks: number }> {
  return page.evaluate(async (files) => {
    let last = performance.now();
    let longestGapMs = 0;
    let ticks = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      longestGapMs = Math.max(longestGapMs, now - last);
      last = now;
      ticks++;
    }, 20);
    const t0 = performance.now();
    const message = await window.studio.importFiles(files.map((f) => ({ name: f.name, bytes: Uint8Array.from(f.bytes) }))).then(() => 'imported', (e: Error) => e.message);
    const ms = performance.now() - t0;
    clearInterval(timer);
    return { message, ms, longestGapMs, ticks };
  }, files);
}

test('a catastrophic regex in a Split pre-tokenizer or a Replace normalizer is refused within seconds, the page responsive, nothing stored', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  const before = (await page.evaluate(() => window.studio.checkpoints.list())).length;

  const split = fixture();
  split.pre_tokenizer = { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: '(a+)+$' }, behavior: 'Isolated', invert: false }, split.pre_tokenizer] };
  const bySplit = await timedImport(page, modelFiles(split));
  expect(bySplit.message).toMatch(/^tokenizer.json pre_tokenizer.pretokenizers\[0\].pattern.Regex "\(a\+\)\+\$" took more than \d+ ms on a text of \d+ characters, "aaaaaa"/);

  const replace = fixture();
  replace.normalizer = { type: 'Replace', pattern: { Regex: '(a+)+$' }, content: 'b' };
  const byReplace = await timedImport(page, modelFiles(replace));
  expect(byReplace.message).toMatch(/^tokenizer.json normalizer.pattern.Regex "\(a\+\)\+\$" took more than/);

  const unknown = fixture();
  (unknown.model as Record<string, unknown>).type = 'Foo';
  const byType = await timedImport(page, modelFiles(unknown));
  expect(byType.message).toBe('tokenizer.json model.type "Foo" is not one the tokenizer library runs; allowed: BPE, WordPiece, Unigram');

  for (const r of [bySplit, byReplace]) {
    expect(r.ms).toBeLessThan(10_000);
    expect(r.longestGapMs).toBeLessThan(1000); // the regex never ran on the page's thread
    expect(r.ticks).toBeGreaterThan(r.ms / 100);
  }
  console.log(`catastrophic regex refused in ${bySplit.ms.toFixed(0)} ms (Split) and ${byReplace.ms.toFixed(0)} ms (Replace); longest gap between the page's 20 ms ticks ${Math.max(bySplit.longestGapMs, byReplace.longestGapMs).toFixed(0)} ms`);
  expect((await page.evaluate(() => window.studio.checkpoints.list())).length).toBe(before);
  expect(await storedTokenizers(page)).toEqual([]);
  // The engine is untouched: a model still trains and scores.
  const score = await page.evaluate(async (config) => {
    const id = await window.studio.createModel({ name: 'after refusal', config, seed: 1 });
    return (await window.studio.scoreTexts(id, ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!']))[0];
  }, TINY_CONFIG);
  expect(Number.isFinite(score)).toBe(true);
  expect(errors).toEqual([]);
});

test('tokenizer files are stored only by an import that succeeds and freed with the last checkpoint using them', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  // A refused import (its safetensors cut short) stores no tokenizer files.
  const broken = modelFiles(fixture(40), 40).map((f) => (f.name.endsWith('.safetensors') ? { ...f, bytes: f.bytes.slice(0, f.bytes.length - 64) } : f));
  const refused = await timedImport(page, broken);
  expect(refused.message).toMatch(/model.safetensors/);
  expect(await storedTokenizers(page)).toEqual([]);

  const good = await page.evaluate(async (files) => (await window.studio.importFiles(files.map((f) => ({ name: f.name, bytes: Uint8Array.from(f.bytes) })))).id, modelFiles(fixture()));
  const spec = await page.evaluate(async (id) => (await window.studio.checkpoints.get(id)).tokenizer, good);
  expect(await storedTokenizers(page)).toEqual([(spec as { id: string }).id]);
  // A descendant shares the tokenizer: deleting the import alone keeps the files.
  const grown = await page.evaluate(async (id) => window.studio.grow(id, { method: 'block_expand', every: 2, name: 'grown' }), good);
  await page.evaluate(async (id) => window.studio.checkpoints.delete(id), good);
  expect(await storedTokenizers(page)).toEqual([(spec as { id: string }).id]);
  await page.evaluate(async (id) => window.studio.checkpoints.delete(id), grown);
  expect(await storedTokenizers(page)).toEqual([]);
  expect(errors).toEqual([]);
});

test('a catastrophic tokenizer already in storage is refused before the engine runs it, which keeps working', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  const id = await page.evaluate(async (files) => (await window.studio.importFiles(files.map((f) => ({ name: f.name, bytes: Uint8Array.from(f.bytes) })))).id, modelFiles(fixture()));
  const spec = (await page.evaluate(async (id) => (await window.studio.checkpoints.get(id)).tokenizer, id)) as { id: string };
  // Its record replaced by a poisoned tokenizer.json, as an older version or a backup could have stored it.
  const poisoned = fixture();
  poisoned.pre_tokenizer = { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: '(a+)+$' }, behavior: 'Isolated', invert: false }, poisoned.pre_tokenizer] };
  await page.evaluate(async ({ key, tokenizer }) => {
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = indexedDB.open('gums-tokenizers');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    const store = db.transaction('tokenizers', 'readwrite').objectStore('tokenizers');
    const old = await new Promise<Record<string, unknown>>((res) => {
      const r = store.get(key);
      r.onsuccess = () => res(r.result);
    });
    await new Promise((res) => (db.transaction('tokenizers', 'readwrite').objectStore('tokenizers').put({ ...old, tokenizer }, key).onsuccess = res));
    db.close();
  }, { key: spec.id, tokenizer: JSON.stringify(poisoned) });
  await page.reload();
  await page.evaluate(() => window.studio.ready);
  const r = await page.evaluate(async ({ id, config }) => {
    const t0 = performance.now();
    const message = await window.studio.scoreTexts(id, [`${'a'.repeat(40)}!`]).then(() => 'scored', (e: Error) => e.message);
    const ms = performance.now() - t0;
    const other = await window.studio.createModel({ name: 'still working', config, seed: 2 });
    return { message, ms, score: (await window.studio.scoreTexts(other, ['aaaa!']))[0] };
  }, { id, config: TINY_CONFIG });
  expect(r.message).toMatch(/^the stored tokenizer [0-9a-f]{12}… \(BPE, \d+ ids\) is refused: tokenizer.json pre_tokenizer.pretokenizers\[0\].pattern.Regex "\(a\+\)\+\$" took more than/);
  expect(r.ms).toBeLessThan(10_000);
  expect(Number.isFinite(r.score)).toBe(true);
  console.log(`stored catastrophic tokenizer refused in ${r.ms.toFixed(0)} ms`);
  expect(errors).toEqual([]);
});
