// The dtype a merge computes in (mergekit's `dtype`): mergekit casts every input tensor to it and
// merges in it. The studio computes in float32, so it rounds the inputs to the dtype before the
// merge and the result after it; the remaining difference from mergekit is the rounding of
// mergekit's intermediate results (each torch op rounds to the dtype), a few units in the
// dtype's last place at most.
import { roundToFloat16 } from '../numeric/float16';

export const MERGE_DTYPES = ['float32', 'float16', 'bfloat16'] as const;
export type MergeDtype = (typeof MERGE_DTYPES)[number];

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** x rounded to the nearest bfloat16 (ties to even, as torch's float → bfloat16 cast); NaN stays NaN. */
export function roundToBfloat16(x: number): number {
  f32[0] = x;
  const bits = u32[0];
  if ((bits & 0x7f800000) === 0x7f800000) return f32[0]; // inf and NaN unchanged
  const lower = bits & 0xffff;
  let upper = bits >>> 16;
  if (lower > 0x8000 || (lower === 0x8000 && upper & 1)) upper++;
  u32[0] = (upper << 16) >>> 0;
  return f32[0];
}

/** Rounds every entry of `data` to `dtype` in place (float32: unchanged) and returns it. */
export function roundToDtype(data: Float32Array, dtype: MergeDtype): Float32Array {
  if (dtype === 'float32') return data;
  const round = dtype === 'float16' ? roundToFloat16 : roundToBfloat16;
  for (let i = 0; i < data.length; i++) data[i] = round(data[i]);
  return data;
}

/** The unit in the last place of a dtype at |x| (for tolerances): 2^(exponent − mantissa bits). */
export function dtypeUlp(x: number, dtype: MergeDtype): number {
  const mantissa = dtype === 'float32' ? 23 : dtype === 'float16' ? 10 : 7;
  const min = dtype === 'float16' ? -14 : -126;
  return 2 ** (Math.max(min, Math.floor(Math.log2(Math.abs(x) || 2 ** min))) - mantissa);
}
