// Checkpoints stored as BF16/F16 in the tensor store: half the bytes in IndexedDB, the rounding
// recorded in the manifest, old F32 checkpoints loading as before, and backup/restore carrying
// the half-size blobs and their storage record byte for byte.
import { describe, expect, it } from 'vitest';
import { BACKUP_STORES } from '../core/backup/format';
import { decodeSafetensors, encodeSafetensors, readSafetensorsHeader } from '../core/checkpoint/safetensors';
import { RELATIVE_ERROR_BOUND } from '../core/checkpoint/storageDtype';
import { manifestOf } from '../core/testing/backupFixtures';
import { prepareBackup, restoreBackup, type WorkspaceStores } from './backup';
import { CheckpointStore, type StoredBytes } from './checkpoints';
import type { CheckpointManifest } from '../core/checkpoint/manifest';
import { memoryStore } from './kv';

const weights = () => [
  { name: 'model.embed_tokens.weight', shape: [64, 16], data: Float32Array.from({ length: 1024 }, (_, i) => Math.sin(i * 0.37) * 0.05) },
  { name: 'model.norm.weight', shape: [16], data: Float32Array.from({ length: 16 }, (_, i) => 1 + i / 100) },
];
const meta = (id: string) => {
  const { tensorsKey: _k, bytes: _b, ...m } = manifestOf(id);
  return m;
};
const stores = () => Object.fromEntries(BACKUP_STORES.map((s) => [s, memoryStore<unknown>()])) as unknown as WorkspaceStores;

describe('checkpoint storage dtype in the store', () => {
  it('stores BF16 and F16 in half the bytes, records the rounding, and loads widened to F32', async () => {
    const store = new CheckpointStore(memoryStore(), memoryStore());
    const f32 = encodeSafetensors(weights(), { format: 'pt' });
    const full = await store.save(meta('full'), f32);
    expect(full.storage).toBeUndefined(); // the default stays F32, exact
    expect(await store.tensors('full')).toEqual(f32);
    for (const dtype of ['BF16', 'F16'] as const) {
      const m = await store.save(meta(dtype), f32, dtype);
      expect(m.storage).toMatchObject({ dtype, source: 'rounded' });
      expect(m.storage!.maxRelError).toBeGreaterThan(0);
      expect(m.storage!.maxRelError).toBeLessThanOrEqual(RELATIVE_ERROR_BOUND[dtype]);
      expect((await store.get(dtype))!.storage).toEqual(m.storage);
      console.log(`${dtype}: stored ${m.bytes} bytes against ${full.bytes} as F32; max relative error ${m.storage!.maxRelError.toExponential(3)}, max absolute ${m.storage!.maxAbsError.toExponential(3)}`);
      // The data section halves exactly; the JSON header (names, shapes, dtype) stays its size.
      const dataBytes = async (id: string) => (await store.tensors(id)).length - readSafetensorsHeader(await store.tensors(id)).dataStart;
      expect(await dataBytes(dtype)).toBe((await dataBytes('full')) / 2);
      const back = decodeSafetensors(await store.tensors(dtype)).tensors;
      expect(back.every((t) => t.dtype === dtype && t.data instanceof Float32Array)).toBe(true);
      back.forEach((t, k) => t.data.forEach((v, i) => expect(Math.abs(v - weights()[k].data[i])).toBeLessThanOrEqual(RELATIVE_ERROR_BOUND[dtype] * Math.abs(weights()[k].data[i]))));
    }
    store.storeAs = 'BF16'; // the studio setting: saves that name no dtype follow it
    expect((await store.save(meta('set'), f32)).storage?.dtype).toBe('BF16');
    // F16 as the setting falls back to BF16 for a tensor beyond ±65504 (saying so); asked for per save, it refuses.
    store.storeAs = 'F16';
    const wide = encodeSafetensors([{ name: 'model.norm.weight', shape: [2], data: Float32Array.from([1, 70000]) }]);
    const fell = await store.save(meta('wide'), wide);
    expect(fell.storage).toMatchObject({ dtype: 'BF16', note: "F16 was set, but tensor model.norm.weight holds values beyond F16's ±65504: stored as BF16" });
    await expect(store.save(meta('wide2'), wide, 'F16')).rejects.toThrow("tensor model.norm.weight holds 1 value(s) beyond F16's range (largest |x| = 70000; F16 holds up to ±65504)");
    expect(await store.get('wide2')).toBeUndefined();
    // A manifest that names its storage (an import keeping its file's BF16) is stored as given.
    const kept = await store.save({ ...meta('kept'), storage: { dtype: 'BF16', maxAbsError: 0, maxRelError: 0, belowNormal: 0, source: 'file' } }, encodeSafetensors(weights(), {}, 'BF16'));
    expect(kept.storage?.source).toBe('file');
  });

  it('loads an old F32 manifest (written before storage existed) as before', async () => {
    const manifests = memoryStore<CheckpointManifest>();
    const blobs = memoryStore<StoredBytes>();
    const f32 = encodeSafetensors(weights());
    const old = { ...manifestOf('old'), bytes: f32.length };
    expect('storage' in old).toBe(false);
    await manifests.set('old', old);
    await blobs.set(old.tensorsKey, new Blob([f32 as Uint8Array<ArrayBuffer>]));
    const store = new CheckpointStore(manifests, blobs);
    expect((await store.list()).damaged).toEqual([]);
    expect((await store.get('old'))?.storage).toBeUndefined();
    expect(decodeSafetensors(await store.tensors('old')).tensors.map((t) => t.dtype)).toEqual(['F32', 'F32']);
  });

  it('backs up and restores a BF16 checkpoint: the half-size blob and its storage record byte for byte', async () => {
    const s = stores();
    const store = new CheckpointStore(s.manifests as never, s.tensors);
    const m = await store.save(meta('b'), encodeSafetensors(weights(), { format: 'pt' }), 'BF16');
    const file = new Blob((await prepareBackup(s)).parts as BlobPart[]);
    const empty = stores();
    const report = await restoreBackup(empty, file);
    expect(report.restored.map((r) => `${r.kind}:${r.id}`)).toEqual(['checkpoint:b']);
    const restored = new CheckpointStore(empty.manifests as never, empty.tensors);
    expect(await restored.get('b')).toEqual(m);
    expect(await restored.tensors('b')).toEqual(await store.tensors('b'));
    expect(decodeSafetensors(await restored.tensors('b')).tensors[0].dtype).toBe('BF16');
  });
});
