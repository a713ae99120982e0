// Tokenizer files live as long as a checkpoint names them: stored with the manifest that names
// them (gone again when that save fails), freed with the last such checkpoint, swept at start-up
// when nothing names them and they are not recent.
import { describe, expect, it } from 'vitest';
import { CheckpointStore } from '../storage/checkpoints';
import { memoryStore } from '../storage/kv';
import { TokenizerStore, type StoredTokenizer } from '../storage/tokenizers';
import type { CheckpointManifest } from '../core/checkpoint/manifest';
import type { TokenizerSpec } from '../core/tokenizer/tokenizer';
import { encodeParams } from '../core/checkpoint/tensors';
import { countParameters } from '../core/model/weights';
import { tinyModel } from '../core/testing/fixtures';
import { checkStoredTokenizer, freeTokenizerIfUnused, storeTokenizerWith, sweepTokenizers, SWEEP_GRACE_MS } from './tokenizerFiles';
import { bpeTokenizerFiles } from '../core/testing/bpeFixture';
import { byteTokenizerJson } from '../core/tokenizer/byte';

const spec = (id: string): TokenizerSpec => ({ kind: 'hf', id, vocabSize: 10, bos: 0, eos: 0, pad: 0, description: 'BPE, 10 ids' });
const FILES = { tokenizer: '{"model":{}}', config: '{}' };

function setup() {
  const raw = memoryStore<StoredTokenizer>();
  const s = { tokenizers: new TokenizerStore(raw), checkpoints: new CheckpointStore(memoryStore(), memoryStore()) };
  const model = tinyModel();
  const save = async (id: string, tokenizer: TokenizerSpec): Promise<CheckpointManifest> => {
    const m = { formatVersion: 1 as const, id, name: id, createdAt: new Date().toISOString(), config: model.config, tokenizer, parents: [], origin: { method: 'import', params: {} }, parameterCount: countParameters(model.config).total };
    return s.checkpoints.save(m, await encodeParams(model.params));
  };
  return { s, raw, save };
}

describe('tokenizer files in storage', () => {
  it('stores them with the manifest that names them and removes them when that save fails', async () => {
    const { s, raw, save } = setup();
    await storeTokenizerWith(s, spec('t1'), FILES, () => save('a', spec('t1')));
    expect([...raw.map.keys()]).toEqual(['t1']);
    expect(raw.map.get('t1')).toMatchObject({ id: 't1', ...FILES });
    // A failing manifest write: the files of a tokenizer nobody else uses go with it.
    await expect(storeTokenizerWith(s, spec('t2'), FILES, async () => { throw new Error('disk full'); })).rejects.toThrow('disk full');
    expect(raw.map.has('t2')).toBe(false);
    // ... but not those another checkpoint uses.
    await expect(storeTokenizerWith(s, spec('t1'), FILES, async () => { throw new Error('disk full'); })).rejects.toThrow('disk full');
    expect(raw.map.has('t1')).toBe(true);
  });

  it('puts the files back when another tab freed them while the manifest was being saved', async () => {
    const { s, raw, save } = setup();
    await storeTokenizerWith(s, spec('t1'), FILES, async () => {
      raw.map.delete('t1'); // the other tab deleted its last checkpoint with this tokenizer
      return save('a', spec('t1'));
    });
    expect(raw.map.has('t1')).toBe(true);
  });

  it('frees them with the last checkpoint that names them, not before', async () => {
    const { s, raw, save } = setup();
    await storeTokenizerWith(s, spec('t1'), FILES, () => save('base', spec('t1')));
    await save('grown', spec('t1')); // a descendant shares the parent's tokenizer
    await s.checkpoints.delete('base');
    expect(await freeTokenizerIfUnused(s, spec('t1'))).toBe(false);
    await s.checkpoints.delete('grown');
    expect(await freeTokenizerIfUnused(s, spec('t1'))).toBe(true);
    expect(raw.map.size).toBe(0);
    expect(await freeTokenizerIfUnused(s, { kind: 'byte' })).toBe(false);
  });

  it('does not free a tokenizer an import of this tab is storing', async () => {
    const { s, raw, save } = setup();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const importing = storeTokenizerWith(s, spec('t1'), FILES, async () => {
      await held;
      return save('a', spec('t1'));
    });
    await new Promise((r) => setTimeout(r, 0));
    expect(await freeTokenizerIfUnused(s, spec('t1'))).toBe(false);
    expect(await sweepTokenizers(s, Date.now() + 2 * SWEEP_GRACE_MS)).toEqual([]);
    release();
    await importing;
    expect(raw.map.has('t1')).toBe(true);
  });

  it('sweeps records nobody names at start-up, sparing recent ones', async () => {
    const { s, raw, save } = setup();
    await storeTokenizerWith(s, spec('used'), FILES, () => save('a', spec('used')));
    raw.map.set('legacy', { id: 'legacy', ...FILES }); // stored before the weights by an older version
    raw.map.set('fresh', { id: 'fresh', ...FILES, storedAt: new Date().toISOString() }); // another tab's import in flight
    raw.map.set('old', { id: 'old', ...FILES, storedAt: new Date(Date.now() - 2 * SWEEP_GRACE_MS).toISOString() });
    expect((await sweepTokenizers(s)).sort()).toEqual(['legacy', 'old']);
    expect([...raw.map.keys()].sort()).toEqual(['fresh', 'used']);
  });

  it('checks stored files before the engine runs them: structure, then the probe', async () => {
    const good = bpeTokenizerFiles('the cat sat on the mat .\n'.repeat(4), 10);
    let probed = 0;
    await checkStoredTokenizer(spec('t1'), good, async () => void probed++);
    expect(probed).toBe(1);
    await checkStoredTokenizer(spec('t1'), { tokenizer: JSON.stringify(byteTokenizerJson()) }, async () => void probed++);
    expect(probed).toBe(1); // the studio's own byte tokenizer runs no regex of the file's
    const bad = JSON.parse(good.tokenizer) as { model: { type: string } };
    bad.model.type = 'Foo';
    await expect(checkStoredTokenizer(spec('t1'), { tokenizer: JSON.stringify(bad) }, async () => void probed++)).rejects.toThrow('the stored tokenizer t1… (BPE, 10 ids) is refused: tokenizer.json model.type "Foo" is not one');
    await expect(checkStoredTokenizer(spec('t1'), good, async () => { throw new Error('tokenizer.json normalizer.pattern.Regex "(a+)+$" took more than 910 ms'); })).rejects.toThrow(/^the stored tokenizer t1… \(BPE, 10 ids\) is refused: tokenizer.json normalizer/);
  });
});
