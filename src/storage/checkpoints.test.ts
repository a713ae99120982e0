import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { CheckpointStore, StorageFullError, type StoredBytes } from './checkpoints';
import { RunStore, type RunRecord } from './runs';
import { isQuotaError, memoryStore, storageFullError, type KeyValueStore } from './kv';
import { MemoryLockManager, memoryTabs } from './tabs';
import type { CheckpointManifest } from '../core/checkpoint/manifest';
import { decodeParams, encodeParams, toTfTensors } from '../core/checkpoint/tensors';
import { countParameters } from '../core/model/weights';
import { forward } from '../core/model/llama';
import { randomTokens, tinyModel } from '../core/testing/fixtures';
import { referenceKernels } from '../core/kernels';

function manifestOf(id: string, model = tinyModel()): Omit<CheckpointManifest, 'tensorsKey' | 'bytes'> {
  return { formatVersion: 1, id, name: `model ${id}`, createdAt: new Date().toISOString(), config: model.config, tokenizer: { kind: 'byte' }, parents: [], origin: { method: 'init', params: { seed: 1 } }, parameterCount: countParameters(model.config).total };
}

function failing<V>(inner: KeyValueStore<V>, when: () => boolean): KeyValueStore<V> {
  return { ...inner, set: async (k, v) => { if (when()) throw Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' }); return inner.set(k, v); } };
}

describe('CheckpointStore', () => {
  it('round trips a manifest and its tensors; the reloaded model gives the same logits', async () => {
    const model = tinyModel({}, 3, 2);
    const store = new CheckpointStore(memoryStore(), memoryStore());
    const saved = await store.save(manifestOf('a', model), await encodeParams(model.params));
    expect((await store.list()).checkpoints.map((m) => m.id)).toEqual(['a']);
    expect(await store.get('a')).toEqual(saved);
    const { params } = decodeParams(await store.tensors('a'), saved.config, 'a');
    const back = { config: saved.config, params: toTfTensors(params) };
    const tokens = randomTokens(1, 5, model.config.vocab_size);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(forward(model, tokens, referenceKernels), forward(back, tokens, referenceKernels)))).dataSync()[0]);
    expect(diff).toBe(0);
  });

  it('refuses tensors that do not match the config, naming the tensor', async () => {
    const model = tinyModel();
    const bytes = await encodeParams({ ...model.params, 'model.norm.weight': tf.ones([3]) });
    expect(() => decodeParams(bytes, model.config, 'ck')).toThrow(/ck does not match its config: model.norm.weight has shape \[3\], config needs \[16\]/);
  });

  it('a full disk on the manifest write leaves no trace and keeps earlier checkpoints', async () => {
    let full = false;
    const manifests = memoryStore<CheckpointManifest>();
    const blobs = memoryStore<Uint8Array>();
    const store = new CheckpointStore(failing(manifests, () => full), blobs);
    await store.save(manifestOf('old'), new Uint8Array(await encodeParams(tinyModel().params)));
    full = true;
    await expect(store.save(manifestOf('new'), await encodeParams(tinyModel().params))).rejects.toBeInstanceOf(StorageFullError);
    expect([...manifests.map.keys()]).toEqual(['old']);
    expect([...blobs.map.keys()]).toEqual(['ckpt:old']);
    expect((await store.tensors('old')).byteLength).toBeGreaterThan(0);
  });

  it('a full disk on the tensor write names what could not be saved', async () => {
    const store = new CheckpointStore(memoryStore(), failing(memoryStore<Uint8Array>(), () => true));
    await expect(store.save(manifestOf('x'), new Uint8Array(2_000_000))).rejects.toThrow(/Not enough browser storage to save checkpoint "model x" \(2.0 MB\)/);
    expect((await store.list()).checkpoints).toEqual([]);
  });

  it('sweeps blobs left by a crash between the two writes, keeping run snapshots', async () => {
    const blobs = memoryStore<Uint8Array>();
    const store = new CheckpointStore(memoryStore(), blobs);
    await store.save(manifestOf('kept'), new Uint8Array(await encodeParams(tinyModel().params)));
    await blobs.set('ckpt:crashed', new Uint8Array(8));
    await blobs.set('run:r1:10', new Uint8Array(8));
    expect(await store.sweepOrphans(async () => new Set(['run:r1:10']))).toBe(1);
    expect([...blobs.map.keys()].sort()).toEqual(['ckpt:kept', 'run:r1:10']);
  });

  it('renames and deletes', async () => {
    const store = new CheckpointStore(memoryStore(), memoryStore());
    await store.save(manifestOf('a'), new Uint8Array(await encodeParams(tinyModel().params)));
    expect((await store.rename('a', '  English base ')).name).toBe('English base');
    await expect(store.rename('a', ' ')).rejects.toThrow(/name must be a non-empty string/);
    await store.delete('a');
    expect((await store.list()).checkpoints).toEqual([]);
    await expect(store.tensors('a')).rejects.toThrow(/no checkpoint with id a/);
  });
});

describe('RunStore', () => {
  it('replaces a snapshot only after the new one is written and trims metrics to its step', async () => {
    const blobs = memoryStore<Uint8Array>();
    const runs = new RunStore(memoryStore(), new CheckpointStore(memoryStore(), blobs));
    const metric = (step: number) => ({ step, tokens: step * 8, flops: step * 100, loss: 1, lr: 1, gradNorm: 1, elapsed: step, numTensors: 1 });
    let r: RunRecord = { id: 'r', createdAt: 'now', settings: {} as RunRecord['settings'], status: 'running', metrics: [1, 2, 3, 4].map(metric) };
    r = await runs.saveSnapshot(r, { step: 2, tokens: 16, elapsed: 2, state: new Uint8Array([1]) });
    expect(r.metrics.map((m) => m.step)).toEqual([1, 2]);
    r = await runs.saveSnapshot({ ...r, metrics: [1, 2, 3, 4].map(metric) }, { step: 4, tokens: 32, elapsed: 4, state: new Uint8Array([2]) });
    expect([...blobs.map.keys()]).toEqual(['run:r:4']);
    expect(await runs.snapshotBytes(r)).toEqual(new Uint8Array([2]));
    await runs.finish(r, { status: 'completed' });
    expect([...blobs.map.keys()]).toEqual([]);
  });
});

describe('two tabs on one storage', () => {
  /** A blob store whose writes wait for `gate`, to hold a save between its two writes. */
  function gated<V>(inner: KeyValueStore<V>): KeyValueStore<V> & { hold(): () => void; written: Promise<void> } {
    let open: Promise<void> = Promise.resolve();
    let signal!: () => void;
    const written = new Promise<void>((r) => (signal = r));
    return {
      ...inner,
      written,
      hold() {
        let release!: () => void;
        open = new Promise((r) => (release = r));
        return release;
      },
      set: async (k, v) => {
        await inner.set(k, v);
        signal();
        await open;
      },
    };
  }

  it("the other tab's start-up sweep keeps a blob whose manifest is not written yet", async () => {
    const manager = new MemoryLockManager();
    const manifests = memoryStore<CheckpointManifest>();
    const blobs = memoryStore<StoredBytes>();
    const slow = gated(blobs);
    const tabA = new CheckpointStore(manifests, slow, memoryTabs(manager));
    const tabB = new CheckpointStore(manifests, blobs, memoryTabs(manager));
    const release = slow.hold();
    const saving = tabA.save(manifestOf('a'), new Uint8Array(await encodeParams(tinyModel().params)));
    await slow.written; // tab A wrote its tensors and has not written its manifest
    expect(await tabB.sweepOrphans(async () => new Set())).toBe('busy');
    release();
    await saving;
    expect((await tabA.tensors('a')).byteLength).toBeGreaterThan(0);
    // With no save in flight the sweep runs, and keeps what manifests name.
    await blobs.set('ckpt:crashed', new Uint8Array(4));
    expect(await tabB.sweepOrphans(async () => new Set())).toBe(1);
    expect([...blobs.map.keys()]).toEqual(['ckpt:a']);
  });

  it('a run snapshot is written under the same lock as its record', async () => {
    const manager = new MemoryLockManager();
    const blobs = memoryStore<StoredBytes>();
    const slow = gated(blobs);
    const runs = new RunStore(memoryStore(), new CheckpointStore(memoryStore(), slow, memoryTabs(manager)));
    const other = new CheckpointStore(memoryStore(), blobs, memoryTabs(manager));
    const release = slow.hold();
    const r: RunRecord = { id: 'r', createdAt: 'now', settings: {} as RunRecord['settings'], status: 'running', metrics: [] };
    const saving = runs.saveSnapshot(r, { step: 2, tokens: 16, elapsed: 2, state: new Uint8Array([1]) });
    await slow.written;
    expect(await other.sweepOrphans(async () => new Set())).toBe('busy');
    release();
    const saved = await saving;
    expect(await runs.snapshotBytes(saved)).toEqual(new Uint8Array([1]));
  });
});

describe('quota messages', () => {
  it('name what did not fit, the usage and quota, and the largest checkpoints; nothing saved before changes', async () => {
    let full = false;
    const manifests = memoryStore<CheckpointManifest>();
    const blobs = memoryStore<StoredBytes>();
    const facts = { estimate: async () => ({ usage: 49.5e6, quota: 50e6 }), largest: async () => [] };
    const store = new CheckpointStore(manifests, failing(blobs, () => full), memoryTabs(new MemoryLockManager()), facts);
    await store.save(manifestOf('big'), new Uint8Array(await encodeParams(tinyModel().params)));
    const before = JSON.stringify([...manifests.map.entries()]);
    full = true;
    const err = await store.save(manifestOf('new'), new Uint8Array(3_000_000)).catch((e: Error) => e);
    expect(err).toBeInstanceOf(StorageFullError);
    expect((err as Error).message).toMatch(/^Not enough browser storage to save checkpoint "model new" \(3\.0 MB\): the browser refused the write for want of space\. The browser counts 49\.5 MB used of the 50\.0 MB it allows this site \(0\.5 MB free\)\. The largest checkpoints are "model big" \(\d+ kB\)\. Delete checkpoints/);
    expect((err as Error).message).toMatch(/nothing saved before was changed\.$/);
    expect(JSON.stringify([...manifests.map.entries()])).toBe(before);
    expect([...blobs.map.keys()]).toEqual(['ckpt:big']);
  });

  it('the message stays a sentence when the browser cannot say its usage', async () => {
    const err = await storageFullError('corpus "x"', 1234, { estimate: async () => { throw new Error('no'); }, largest: async () => [] });
    expect(err.message).toBe('Not enough browser storage to save corpus "x" (1 kB): the browser refused the write for want of space. Delete checkpoints (Models panel) or finished runs (Train panel) you no longer need, or free disk space, and try again; nothing saved before was changed.');
  });

  it('says the disk is probably full when the quota looks roomy', async () => {
    const err = await storageFullError('corpus "x"', 1234, { estimate: async () => ({ usage: 40e6, quota: 5e9 }), largest: async () => [{ name: 'base', bytes: 2e6 }] });
    expect(err.message).toMatch(/The browser reports 40\.0 MB used of the 5\.00 GB it allows this site, yet refused the write: the disk itself is probably full\. The largest checkpoints are "base" \(2\.0 MB\)\./);
  });

  it('the browser error with an empty message is recognised', () => {
    expect(isQuotaError(Object.assign(new Error(''), { name: 'QuotaExceededError' }))).toBe(true);
    expect(isQuotaError(new Error('disk on fire'))).toBe(false);
  });
});
