// The bytes the storage-precision control promises are the bytes a checkpoint takes: a fresh
// model's safetensors blob, as createModel encodes it and the store re-encodes it per dtype.
import { describe, expect, it } from 'vitest';
import { MODEL_PRESETS } from '../model/config';
import { initialWeights } from '../model/init';
import { encodeSafetensors } from './safetensors';
import { checkpointBytes, storageSaving, storageSavingWords } from './storageCost';
import { storeSafetensorsAs } from './storageDtype';

describe('storage cost of a checkpoint per dtype', () => {
  for (const id of ['tiny', 'base-1m']) {
    const config = MODEL_PRESETS.find((p) => p.id === id)!.config;
    it(`${id}: the promised bytes are the stored blob's, in each dtype`, () => {
      const f32 = encodeSafetensors([...initialWeights(config, 1)].map(([name, w]) => ({ name, shape: w.shape, data: w.data })), { format: 'pt' });
      expect(checkpointBytes(config, 'F32')).toBe(f32.length);
      for (const dtype of ['BF16', 'F16'] as const) expect(checkpointBytes(config, dtype)).toBe(storeSafetensorsAs(f32, dtype).bytes.length);
    });
  }

  it('BF16 and F16 take half the tensor bytes, and the words state precision and saving', () => {
    const config = MODEL_PRESETS.find((p) => p.id === 'base-1m')!.config;
    const s = storageSaving(config, 'BF16');
    expect(s.share).toBeGreaterThan(0.5);
    expect(s.share).toBeLessThan(0.501); // the header is the same size in each dtype
    expect(s.savedBytes).toBe(s.f32Bytes - s.bytes);
    expect(storageSavingWords(s)).toMatch(/^BF16: 8 significant bits and F32's range; relative error up to 2\^-8 ≈ 0\.39 % per weight .*; a checkpoint of this model: [\d.]+ MB instead of [\d.]+ MB as F32 \(saves [\d.]+ MB, 50 %\)$/);
    expect(storageSavingWords(storageSaving(config, 'F32'))).toMatch(/^F32: 24 significant bits, stored exactly as computed; a checkpoint of this model: [\d.]+ MB$/);
  });
});
