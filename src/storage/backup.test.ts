// Backup and restore against in-memory stores: a whole workspace round trip, a restore into the
// populated studio (identical items skipped), subsets, clashes, and a write failing midway that
// leaves nothing of the restore behind (and, with replace, the studio's items as they were).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BACKUP_STORES, BackupError } from '../core/backup/format';
import { sha256Hex } from '../core/backup/sha256';
import { bytesOf, corpusOf, manifestOf, runOf } from '../core/testing/backupFixtures';
import { prepareBackup, restoreBackup, type WorkspaceStores } from './backup';
import { memoryStore } from './kv';

type MemStore = ReturnType<typeof memoryStore<unknown>>;
type Mem = { [K in keyof WorkspaceStores]: MemStore & WorkspaceStores[K] };
const stores = (): Mem => Object.fromEntries(BACKUP_STORES.map((s) => [s, memoryStore<unknown>()])) as unknown as Mem;
const snapshotOf = (s: Mem) => JSON.stringify(BACKUP_STORES.map((n) => [n, [...s[n].map.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, v instanceof Blob ? `blob:${v.size}` : ArrayBuffer.isView(v) ? `blob:${v.byteLength}` : v])]));
const fileOf = async (s: WorkspaceStores, sel?: Parameters<typeof prepareBackup>[1]) => new Blob((await prepareBackup(s, sel)).parts as BlobPart[]);
const bytes = async (v: unknown) => new Uint8Array(v instanceof Blob ? await v.arrayBuffer() : (v as Uint8Array));

const tokFiles = { tokenizer: '{"model":{"type":"BPE"}}', config: '{"bos_token":"<s>"}' };
const tokId = sha256Hex(new TextEncoder().encode(`${tokFiles.tokenizer}\u0000${tokFiles.config}`));

/** A workspace with one of everything: a byte model, an imported one with its tokenizer, a run with a snapshot, ... */
async function workspace(): Promise<Mem> {
  const s = stores();
  await s.tensors.set('ckpt:a', new Blob([bytesOf(16)]));
  await s.tensors.set('fisher:a:x', bytesOf(8, 2));
  await s.manifests.set('a', manifestOf('a', { fisher: [{ key: 'fisher:a:x', labels: 'sampled', samples: 4, corpus: 'user-1', seqLen: 8, createdAt: 'x' }] }));
  await s.tensors.set('ckpt:h', new Blob([bytesOf(16, 5)]));
  await s.manifests.set('h', manifestOf('h', { tokenizer: { kind: 'hf', id: tokId, vocabSize: 259, bos: 1, eos: 2, pad: 0, description: 'test' } }));
  await s.tokenizers.set(tokId, { id: tokId, ...tokFiles });
  await s.tensors.set('run:r1:2', new Blob([bytesOf(40, 3)]));
  await s.runs.set('r1', runOf('r1', 'a', { status: 'interrupted', snapshot: { step: 2, tokens: 16, elapsed: 1, key: 'run:r1:2' } }));
  await s.corpora.set('user-1', corpusOf('user-1'));
  await s.suites.set('suite-1', { id: 'suite-1', name: 'mine', language: 'eng', source: 'blimp', proxy: false, description: '', pairCount: 1, paradigms: ['p'], pairs: [{ good: 'a b', bad: 'b a', paradigm: 'p' }] });
  await s.evaluations.set('ev', { id: 'ev', createdAt: 'x', checkpoints: [{ id: 'a', name: 'model a' }], suites: [], rows: [], validation: [] });
  return s;
}

/** Wraps every store so the `n`-th write (counted over all stores) fails as a full disk does. */
function failAtWrite(s: Mem, n: number): Mem {
  let writes = 0;
  const out: Record<string, unknown> = { ...s };
  for (const name of BACKUP_STORES) {
    const inner = s[name];
    out[name] = { ...inner, set: async (k: string, v: unknown) => {
      if (++writes === n) throw Object.assign(new Error(''), { name: 'QuotaExceededError' });
      return inner.set(k, v);
    } } as never;
  }
  return out as Mem;
}

describe('workspace backup', () => {
  it('names the same stores as services.ts creates', () => {
    const src = readFileSync(new URL('../state/services.ts', import.meta.url), 'utf8');
    const names = [...src.matchAll(/idbStore(?:<[^>]*>)?\('([a-z]+)'/g)].map((m) => m[1]);
    expect(names.sort()).toEqual([...BACKUP_STORES].sort());
  });

  it('restores a whole workspace into an empty studio byte for byte, and skips it all the second time', async () => {
    const s = await workspace();
    const file = await fileOf(s);
    const empty = stores();
    const report = await restoreBackup(empty, file);
    expect(report.restored.map((r) => `${r.kind}:${r.id}`).sort()).toEqual(['checkpoint:a', 'checkpoint:h', 'corpus:user-1', 'evaluation:ev', 'run:r1', 'suite:suite-1', `tokenizer:${tokId}`]);
    expect(snapshotOf(empty)).toBe(snapshotOf(s));
    for (const k of s.tensors.map.keys()) expect(await bytes(empty.tensors.map.get(k))).toEqual(await bytes(s.tensors.map.get(k)));

    const before = snapshotOf(empty);
    const again = await restoreBackup(empty, file, { onClash: 'replace' });
    expect(again.restored).toEqual([]);
    expect(again.clashes).toEqual([]);
    expect(again.skipped.map((x) => x.why)).toEqual(Array(7).fill('identical'));
    expect(snapshotOf(empty)).toBe(before);
  });

  it('backs up a subset: a checkpoint brings its tokenizer files, an unknown id is refused', async () => {
    const s = await workspace();
    const b = await prepareBackup(s, { checkpoints: ['h'], corpora: ['user-1'] });
    expect(b.items.map((i) => `${i.kind}:${i.id}`)).toEqual([`tokenizer:${tokId}`, 'corpus:user-1', 'checkpoint:h']);
    expect(b.entries.map((e) => `${e.store}/${e.key}`)).toContain('tensors/ckpt:h');
    await expect(prepareBackup(s, { checkpoints: ['nope'] })).rejects.toThrow(/there is no checkpoint with id "nope" to back up/);
    await expect(prepareBackup(s, { models: [] } as never)).rejects.toThrow(/no field "models"; allowed: checkpoints, runs/);
  });

  it('leaves damaged records out of a backup, saying so', async () => {
    const s = await workspace();
    await s.manifests.set('bad', { ...manifestOf('bad'), formatVersion: 7 });
    await s.manifests.set('lost', manifestOf('lost'));
    const b = await prepareBackup(s);
    expect(b.left).toEqual([expect.stringMatching(/checkpoint bad is damaged and was left out: checkpoint manifest has formatVersion 7/), 'checkpoint lost (model lost) has lost a blob it names and was left out']);
    expect(b.items.some((i) => i.id === 'bad' || i.id === 'lost')).toBe(false);
  });

  it('renames a checkpoint changed since the backup, copying its tensors and pointing the backup\'s references at the copy', async () => {
    const s = await workspace();
    const file = await fileOf(s);
    await s.manifests.set('a', { ...(await s.manifests.get('a') as object), name: 'renamed since' });
    const report = await restoreBackup(s, file);
    expect(report.renamed).toEqual([{ kind: 'checkpoint', id: 'a-restored', from: 'a', name: 'model a' }]);
    expect(await s.manifests.get('a')).toMatchObject({ name: 'renamed since' });
    expect(await s.manifests.get('a-restored')).toMatchObject({ name: 'model a (restored)', tensorsKey: 'ckpt:a-restored', fisher: [{ key: 'fisher:a-restored:x' }] });
    expect(await bytes(await s.tensors.get('ckpt:a-restored'))).toEqual(bytesOf(16));
    expect(report.skipped.length).toBe(6);
  });

  it('refuses a truncated file before writing anything', async () => {
    const s = await workspace();
    const file = await fileOf(s);
    const empty = stores();
    await expect(restoreBackup(empty, file.slice(0, file.size - 7))).rejects.toThrow(BackupError);
    await expect(restoreBackup(empty, file.slice(0, file.size - 7))).rejects.toThrow(/runs past the end of the file/);
    expect(snapshotOf(empty)).toBe(snapshotOf(stores()));
  });

  it('undoes every write when one fails midway (a full disk), in an empty and in a populated studio', async () => {
    const s = await workspace();
    const file = await fileOf(s);
    const writes = 11; // 4 blobs, then tokenizer, corpus, suite, 2 manifests, run, evaluation
    for (const n of [1, 4, 8, writes]) {
      const empty = stores();
      await expect(restoreBackup(failAtWrite(empty, n), file)).rejects.toThrow(new RegExp(`Not enough browser storage to restore the backup: writing \\S+ \\(write ${n} of ${writes}.*(the \\d+ writes before it were undone|nothing had been written yet)`));
      expect(snapshotOf(empty), `failing at write ${n}`).toBe(snapshotOf(stores()));
    }
    // Replacing: the studio's own items come back as they were, their old blobs untouched.
    const held = await workspace();
    await held.manifests.set('a', { ...(await held.manifests.get('a') as object), name: 'renamed since' });
    await held.runs.set('r1', { ...(await held.runs.get('r1') as object), status: 'failed' });
    const before = snapshotOf(held);
    // Writes: 3 blobs under new keys, manifest a (replacing), run r1 (failing): manifest a must come back.
    await expect(restoreBackup(failAtWrite(held, 5), file, { onClash: 'replace' })).rejects.toThrow(/write 5 of 5; .*the 4 writes before it were undone/);
    expect(snapshotOf(held)).toBe(before);
    const ok = await restoreBackup(held, file, { onClash: 'replace' });
    expect(ok.replaced.map((r) => r.id)).toEqual(['a', 'r1']);
    expect(await held.manifests.get('a')).toMatchObject({ name: 'model a', tensorsKey: 'ckpt:a~2' });
    expect(held.tensors.map.has('ckpt:a')).toBe(false);
    expect(await bytes(await held.tensors.get('ckpt:a~2'))).toEqual(bytesOf(16));
  });
});
