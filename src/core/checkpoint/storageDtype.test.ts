// Storage dtypes for checkpoints: nearest-even rounding by hand, F16's range refused naming the
// tensor, half the bytes, the measured error within the stated bound, old manifests still valid,
// and a tiny model stored as BF16 scoring within a stated tolerance of its F32 self.
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, readSafetensorsHeader, type NamedTensor } from './safetensors';
import { describeStoragePrecision, measureStorageRounding, MIN_NORMAL, RELATIVE_ERROR_BOUND, roundForStorage, storeSafetensorsAs, SUBNORMAL_ERROR_BOUND } from './storageDtype';
import { validateManifest } from './manifest';
import { decodeParams, encodeParams, toTfTensors } from './tensors';
import { manifestOf } from '../testing/backupFixtures';
import { disposeModel, tinyModel } from '../testing/fixtures';
import { scoreTexts } from '../eval/score';
import { keepableDtype, planWeights, readPlannedWeights } from './hfImport';
import { readTensors } from './tensors';
import { blobTensorReader } from './blobReader';
import { modelCard } from './modelCard';
import { referenceKernels } from '../kernels';
import { ByteTokenizer } from '../tokenizer/byte';

/** Weights over many magnitudes (a seeded generator), as trained models have. */
function spread(name: string, n: number, seed: number): NamedTensor {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const data = Float32Array.from({ length: n }, () => (next() < 0.5 ? -1 : 1) * 10 ** (-6 + 8 * next()));
  return { name, shape: [n], data };
}

describe('checkpoint storage dtypes', () => {
  it('rounds to nearest, ties to even (hand cases)', () => {
    // BF16 keeps 7 mantissa bits: neighbours of 1 are 1 and 1 + 2^-7.
    expect(roundForStorage(1 + 2 ** -8, 'BF16')).toBe(1); // tie: 1 is even
    expect(roundForStorage(1 + 3 * 2 ** -8, 'BF16')).toBe(1 + 2 ** -6); // tie between 1+2^-7 (odd) and 1+2^-6 (even)
    expect(roundForStorage(1 + 2 ** -8 + 2 ** -20, 'BF16')).toBe(1 + 2 ** -7); // just past the tie
    expect(roundForStorage(-(1 + 3 * 2 ** -8), 'BF16')).toBe(-(1 + 2 ** -6));
    // F16 keeps 10: between 2048 and 2050 the step is 2.
    expect(roundForStorage(2049, 'F16')).toBe(2048);
    expect(roundForStorage(2051, 'F16')).toBe(2052);
    expect(roundForStorage(1 + 2 ** -11, 'F16')).toBe(1);
    expect(roundForStorage(1 + 3 * 2 ** -11, 'F16')).toBe(1 + 2 ** -9);
    // The stored bytes are those bit patterns: 1 + 3·2^-8 → 0x3f82 in BF16.
    const b = encodeSafetensors([{ name: 'x', shape: [1], data: Float32Array.from([1 + 3 * 2 ** -8]) }], {}, 'BF16');
    expect(Array.from(b.subarray(b.length - 2))).toEqual([0x82, 0x3f]);
  });

  it("refuses F16's overflow with a message naming the tensor, and stores its largest value", () => {
    const ok = { name: 'model.norm.weight', shape: [2], data: Float32Array.from([65504, -65504]) };
    expect(measureStorageRounding([ok], 'F16').maxAbsError).toBe(0);
    const over = { name: 'model.layers.0.mlp.down_proj.weight', shape: [3], data: Float32Array.from([1, 70000, -65600]) };
    expect(() => measureStorageRounding([ok, over], 'F16')).toThrow("tensor model.layers.0.mlp.down_proj.weight holds 2 value(s) beyond F16's range (largest |x| = 70000; F16 holds up to ±65504); store this checkpoint as BF16 (F32's range) or F32");
    expect(() => storeSafetensorsAs(encodeSafetensors([over]), 'F16')).toThrow(/down_proj\.weight holds 2 value/);
    expect(measureStorageRounding([over], 'BF16').maxRelError).toBeLessThanOrEqual(2 ** -8); // BF16 has F32's range
  });

  it('halves the bytes and keeps every value within the stated bound, which the manifest record measures', () => {
    const tensors = [spread('model.embed_tokens.weight', 4096, 7), spread('model.norm.weight', 1000, 11)];
    const f32 = encodeSafetensors(tensors, { format: 'pt' });
    for (const dtype of ['BF16', 'F16'] as const) {
      const { bytes, precision } = storeSafetensorsAs(f32, dtype);
      const data = (b: Uint8Array) => b.length - readSafetensorsHeader(b).dataStart;
      expect(data(bytes)).toBe(data(f32) / 2);
      const back = decodeSafetensors(bytes);
      expect(back.metadata).toEqual({ format: 'pt' });
      let maxRel = 0;
      let maxAbs = 0;
      back.tensors.forEach((t, k) => {
        expect(t.dtype).toBe(dtype);
        t.data.forEach((r, i) => {
          const x = tensors[k].data[i];
          const err = Math.abs(r - x);
          maxAbs = Math.max(maxAbs, err);
          if (Math.abs(x) >= MIN_NORMAL[dtype]) {
            expect(err).toBeLessThanOrEqual(RELATIVE_ERROR_BOUND[dtype] * Math.abs(x));
            maxRel = Math.max(maxRel, err / Math.abs(x));
          } else expect(err).toBeLessThanOrEqual(SUBNORMAL_ERROR_BOUND[dtype]);
        });
      });
      expect(precision.maxRelError).toBe(maxRel);
      expect(precision.maxAbsError).toBe(maxAbs);
      // 5096 values over 8 decades come close to the bound: the record measures, not quotes.
      expect(precision.maxRelError).toBeGreaterThan(RELATIVE_ERROR_BOUND[dtype] * 0.9);
      console.log(`${dtype}: ${f32.length} → ${bytes.length} bytes (data ${data(f32)} → ${data(bytes)}); max relative error ${precision.maxRelError.toExponential(3)} (bound ${RELATIVE_ERROR_BOUND[dtype].toExponential(3)}, in ${precision.maxRelTensor}), max absolute ${precision.maxAbsError.toExponential(3)} (in ${precision.maxAbsTensor}), ${precision.belowNormal} values below normal`);
      expect(describeStoragePrecision(precision)).toMatch(dtype === 'BF16' ? /8 significant bits.*2\^-8 ≈ 0\.39 %.*measured on save: largest relative error/ : /11 significant bits.*±65504/);
    }
  });

  it('keeps old F32 manifests valid and records the storage of new ones', () => {
    const old = manifestOf('old');
    expect(validateManifest(old).storage).toBeUndefined();
    expect(describeStoragePrecision(old.storage)).toMatch(/^F32: 24 significant bits/);
    const p = storeSafetensorsAs(encodeSafetensors([spread('x', 64, 3)]), 'BF16').precision;
    expect(validateManifest({ ...old, storage: p }).storage).toEqual(p);
    expect(() => validateManifest({ ...old, storage: { ...p, dtype: 'F8' } })).toThrow('checkpoint old: storage.dtype "F8" is not one of F32, BF16, F16');
    expect(() => validateManifest({ ...old, storage: { ...p, maxRelError: -1 } })).toThrow(/storage\.maxRelError must be a non-negative number/);
    // An export of it says the values went through BF16, whatever dtype the export writes.
    const card = (m: typeof old) => modelCard({ manifest: m, checkpoints: [m], corpora: [], evaluations: [], dtype: 'F32', folder: 'x' });
    expect(card({ ...old, storage: p })).toMatch(/- weights: `model\.safetensors` in F32; the studio stored them as BF16: 8 significant bits.*measured on save: largest relative error \d/);
    expect(card(old)).toMatch(/- weights: `model\.safetensors` in F32\n/);
  });

  it('a tiny model stored as BF16 (widened to F32 on load) scores within 0.1 % of its F32 self (mean loss per token)', async () => {
    const tok = new ByteTokenizer();
    const model = tinyModel({ vocab_size: 259, hidden_size: 32, intermediate_size: 48 }, 5, 4);
    const texts = ['The keys to the cabinet are here.', 'Þetta er íslenska.', 'a b c d e f'];
    const f32 = await encodeParams(model.params);
    for (const dtype of ['BF16', 'F16'] as const) {
      const { bytes, precision } = storeSafetensorsAs(f32, dtype);
      const loaded = { config: model.config, params: toTfTensors(decodeParams(bytes, model.config, 'stored').params) };
      // What training, scoring and merging compute with: F32 tensors holding the widened values (an F32 master copy).
      expect(Object.values(loaded.params).every((t) => t.dtype === 'float32')).toBe(true);
      const [a, b] = [await scoreTexts(model, tok, texts, referenceKernels), await scoreTexts(loaded, tok, texts, referenceKernels)];
      const nTokens = texts.reduce((n, t) => n + tok.encode(t).length, 0);
      const lossA = -a.reduce((x, y) => x + y, 0) / nTokens;
      const lossB = -b.reduce((x, y) => x + y, 0) / nTokens;
      const rel = Math.abs(lossB - lossA) / lossA;
      console.log(`${dtype}: loss ${lossA.toFixed(6)} (F32) vs ${lossB.toFixed(6)} (${dtype}), difference ${(lossB - lossA).toExponential(3)} nats/token (${(rel * 100).toFixed(4)} %); weights' max relative rounding ${precision.maxRelError.toExponential(3)}`);
      expect(rel).toBeLessThan(0.001);
      expect(lossB).not.toBe(lossA); // the rounding did reach the scores
      disposeModel(loaded);
    }
    disposeModel(model);
  });

  it("an import keeping its file's BF16 stores the file's bytes (half of F32, nothing rounded) and computes with them widened", async () => {
    const model = tinyModel({ vocab_size: 40 }, 3, 1);
    const file = encodeSafetensors(await readTensors(model.params), { format: 'pt' }, 'BF16');
    const source = { name: 'model.safetensors', blob: new Blob([file as Uint8Array<ArrayBuffer>]) };
    const plan = await planWeights([source], undefined, model.config);
    expect(keepableDtype(plan)).toBe('BF16');
    const widened: Float32Array[] = [];
    const kept = new Uint8Array(await (await readPlannedWeights(plan, (_n, _s, d) => void widened.push(d), undefined, true)).arrayBuffer());
    const f32 = new Uint8Array(await (await readPlannedWeights(plan, () => undefined)).arrayBuffer());
    const data = (b: Uint8Array) => b.length - readSafetensorsHeader(b).dataStart;
    expect(data(kept)).toBe(data(f32) / 2);
    const [a, b, f] = [decodeSafetensors(kept).tensors, decodeSafetensors(f32).tensors, decodeSafetensors(file).tensors];
    a.forEach((t, i) => {
      expect(t.dtype).toBe('BF16');
      expect(Array.from(t.data)).toEqual(Array.from(b[i].data)); // the same values the F32 import widens to
      expect(Array.from(t.data)).toEqual(Array.from(f.find((x) => x.name === t.name)!.data));
    });
    expect(widened.map((d) => d.length)).toEqual(a.map((t) => t.data.length));
    // A merge reads a stored BF16 checkpoint tensor by tensor from its Blob, widened like a load.
    const reader = await blobTensorReader(new Blob([kept as Uint8Array<ArrayBuffer>]), 'kept', model.config);
    for (const t of a) expect(Array.from(await reader.read(t.name))).toEqual(Array.from(t.data));
    // A file mixing dtypes is widened to F32 as before.
    expect(keepableDtype({ ...plan, dtypes: ['BF16', 'F32'] })).toBeUndefined();
    disposeModel(model);
  });
});
