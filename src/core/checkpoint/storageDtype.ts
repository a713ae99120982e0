// The dtype a checkpoint's tensors are stored in. F32 is exact; BF16 and F16 halve the bytes in
// IndexedDB at a stated, measured loss of precision. Loading always widens to F32 for compute
// (decodeTensorData), so training from a BF16 checkpoint starts from its widened weights and keeps
// its own F32 master copy. The conversions are the export's (numeric/bfloat16.ts, numeric/float16.ts): round to
// nearest, ties to even.
import { roundToFloat16 } from '../numeric/float16';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from './safetensors';
import { roundToBfloat16 } from '../numeric/bfloat16';

export type StorageDtype = 'F32' | 'BF16' | 'F16';
export const STORAGE_DTYPES: readonly StorageDtype[] = ['F32', 'BF16', 'F16'];

/** The largest finite F16 value; a weight beyond it has no F16 representation. */
export const F16_MAX = 65504;
/** The smallest normal value of each dtype: below it the relative bound no longer holds. */
export const MIN_NORMAL: Record<StorageDtype, number> = { F32: 2 ** -126, BF16: 2 ** -126, F16: 2 ** -14 };
/**
 * The largest relative rounding error of a normal value: half a unit in the last place over the
 * value, at most 2^-p for p significant bits, the hidden bit included (F32 24, so storing F32 as
 * F32 is exact; BF16 8 bits: 2^-8 ≈ 0.39 %; F16 11 bits: 2^-11 ≈ 0.049 %). The often quoted
 * "2^-9 ≈ 0.2 %" for BF16 is the typical error, not the bound: 1.0039 (just above 1 + 2^-8) rounds
 * to 1.0078, an error of 0.0039/1.0039 — see the test's measured maximum.
 */
export const RELATIVE_ERROR_BOUND: Record<StorageDtype, number> = { F32: 0, BF16: 2 ** -8, F16: 2 ** -11 };
/** The largest absolute error below the smallest normal (half the smallest subnormal step). */
export const SUBNORMAL_ERROR_BOUND: Record<StorageDtype, number> = { F32: 0, BF16: 2 ** -134, F16: 2 ** -25 };

/** How a checkpoint's tensors are stored and how much storing them rounded (against its F32 values). */
export interface StoragePrecision {
  dtype: StorageDtype;
  /** Largest |stored - value| over all tensors, and the tensor it is in. */
  maxAbsError: number;
  maxAbsTensor?: string;
  /** Largest |stored - value| / |value| over values in the dtype's normal range, and its tensor. */
  maxRelError: number;
  maxRelTensor?: string;
  /** Values below the dtype's smallest normal (their error is absolute, at most SUBNORMAL_ERROR_BOUND). */
  belowNormal: number;
  /** 'rounded': converted from F32 on save; 'file': the imported file's own dtype, kept as it was. */
  source: 'rounded' | 'file';
  /** Why the dtype differs from the one asked for (F16 set, a tensor beyond its range: BF16). */
  note?: string;
}

/** A tensor has values F16 cannot hold; `tensor` names it. */
export class F16RangeError extends Error {
  constructor(readonly tensor: string, count: number, largest: number) {
    super(`tensor ${tensor} holds ${count} value(s) beyond F16's range (largest |x| = ${largest}; F16 holds up to ±${F16_MAX}); store this checkpoint as BF16 (F32's range) or F32`);
    this.name = 'F16RangeError';
  }
}

const WORDS: Record<StorageDtype, string> = {
  F32: 'F32: 24 significant bits, stored exactly as computed',
  BF16: "BF16: 8 significant bits and F32's range; relative error up to 2^-8 ≈ 0.39 % per weight (typically half that); half the bytes of F32",
  F16: 'F16: 11 significant bits, range ±65504; relative error up to 2^-11 ≈ 0.049 % per weight (absolute up to 2^-25 below 2^-14); half the bytes of F32',
};

/** The dtype's precision in words. */
export function storageDtypeWords(dtype: StorageDtype): string {
  return WORDS[dtype];
}

/** A checkpoint's stored precision in words: the dtype's bound and what was measured. */
export function describeStoragePrecision(p: StoragePrecision | undefined): string {
  if (!p || p.dtype === 'F32') return WORDS.F32;
  if (p.source === 'file') return `${WORDS[p.dtype]}; kept as the imported file stored it (no rounding on import)`;
  const pct = (x: number) => `${(x * 100).toPrecision(2)} %`;
  return `${p.note ? `${p.note}. ` : ''}${WORDS[p.dtype]}; measured on save: largest relative error ${pct(p.maxRelError)}${p.maxRelTensor ? ` (${p.maxRelTensor})` : ''}, largest absolute ${p.maxAbsError.toExponential(2)}${p.maxAbsTensor ? ` (${p.maxAbsTensor})` : ''}`;
}

export function isStorageDtype(x: unknown): x is StorageDtype {
  return typeof x === 'string' && (STORAGE_DTYPES as readonly string[]).includes(x);
}

/** The checkpoint's storage dtype (absent from manifests written before it existed: F32). */
export function storedDtype(m: { storage?: StoragePrecision }): StorageDtype {
  return m.storage?.dtype ?? 'F32';
}

/** Checks a manifest's storage record; throws naming the broken field. */
export function validateStoragePrecision(raw: unknown, where: string): void {
  const p = raw as Partial<StoragePrecision> | null;
  if (typeof p !== 'object' || p === null) throw new Error(`${where}: storage must be an object`);
  if (!isStorageDtype(p.dtype)) throw new Error(`${where}: storage.dtype ${JSON.stringify(p.dtype)} is not one of ${STORAGE_DTYPES.join(', ')}`);
  for (const f of ['maxAbsError', 'maxRelError', 'belowNormal'] as const) {
    if (typeof p[f] !== 'number' || !(p[f]! >= 0)) throw new Error(`${where}: storage.${f} must be a non-negative number`);
  }
  if (p.source !== 'rounded' && p.source !== 'file') throw new Error(`${where}: storage.source must be 'rounded' or 'file'`);
  if (p.note !== undefined && typeof p.note !== 'string') throw new Error(`${where}: storage.note must be a string`);
}

/** The value x becomes when stored in dtype. */
export function roundForStorage(x: number, dtype: StorageDtype): number {
  if (dtype === 'BF16') return roundToBfloat16(x);
  if (dtype === 'F16') return roundToFloat16(x);
  return Math.fround(x);
}

/**
 * Measures the rounding of F32 tensors into dtype and refuses what cannot be stored: F16 has no
 * value beyond ±65504 (saturating would silently change the model), and no weight may turn
 * non-finite. Int tensors are stored exactly and not measured.
 */
export function measureStorageRounding(tensors: NamedTensor[], dtype: StorageDtype): StoragePrecision {
  const p: StoragePrecision = { dtype, maxAbsError: 0, maxRelError: 0, belowNormal: 0, source: 'rounded' };
  if (dtype === 'F32') return p;
  const minNormal = MIN_NORMAL[dtype];
  for (const t of tensors) {
    if (t.data instanceof Int32Array) continue;
    let over = 0;
    let largest = 0;
    for (let i = 0; i < t.data.length; i++) {
      const x = t.data[i];
      if (!Number.isFinite(x)) throw new Error(`tensor ${t.name} holds a non-finite value (${x}); it cannot be stored`);
      const a = Math.abs(x);
      if (dtype === 'F16' && a > F16_MAX) {
        over++;
        largest = Math.max(largest, a);
        continue;
      }
      const r = roundForStorage(x, dtype);
      if (!Number.isFinite(r)) throw new Error(`tensor ${t.name}: ${x} has no finite ${dtype} value; store this checkpoint as F32`);
      const err = Math.abs(r - x);
      if (err > p.maxAbsError) [p.maxAbsError, p.maxAbsTensor] = [err, t.name];
      if (a >= minNormal) {
        const rel = err / a;
        if (rel > p.maxRelError) [p.maxRelError, p.maxRelTensor] = [rel, t.name];
      } else if (a > 0) p.belowNormal++;
    }
    if (over) throw new F16RangeError(t.name, over, largest);
  }
  return p;
}

/** Re-encodes an F32 safetensors checkpoint in dtype, with the precision it kept. */
export function storeSafetensorsAs(bytes: Uint8Array, dtype: StorageDtype, source = 'checkpoint'): { bytes: Uint8Array; precision: StoragePrecision } {
  const { metadata, tensors } = decodeSafetensors(bytes, source);
  const precision = measureStorageRounding(tensors, dtype);
  if (dtype === 'F32' && tensors.every((t) => t.dtype === 'F32' || t.dtype === 'I32')) return { bytes, precision };
  // Every tensor goes to dtype: a tensor that arrived as F16/BF16 was already widened exactly.
  return { bytes: encodeSafetensors(tensors.map(({ name, shape, data }) => ({ name, shape, data })), metadata, dtype), precision };
}

/** The storage record of an import that kept its file's F16/BF16 bytes (nothing was rounded). */
export function keptFilePrecision(dtype: Exclude<StorageDtype, 'F32'>): StoragePrecision {
  return { dtype, maxAbsError: 0, maxRelError: 0, belowNormal: 0, source: 'file' };
}
