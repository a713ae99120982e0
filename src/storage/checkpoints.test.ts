import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { CheckpointStore, StorageFullError } from './checkpoints';
import { RunStore, type RunRecord } from './runs';
import { memoryStore, type KeyValueStore } from './kv';
import type { CheckpointManifest } from '../core/checkpoint/manifest';
import { decodeParams, encodeParams, toTfTensors } from '../core/checkpoint/tensors';
import { countParameters } from '../core/model/weights';
import { forward } from '../core/model/llama';
import { randomTokens, tinyModel } from '../core/testing/fixtures';

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
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(forward(model, tokens), forward(back, tokens)))).dataSync()[0]);
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
    expect(await store.sweepOrphans(new Set(['run:r1:10']))).toBe(1);
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
