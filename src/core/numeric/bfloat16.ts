// bfloat16 conversions on the CPU (float32's upper 16 bits, round to nearest even, NaN kept):
// the BF16 safetensors writer and reader and the checkpoint storage precision use these.
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The bfloat16 bit pattern nearest to x (ties to even; NaN stays NaN). */
export function toBf16(x: number): number {
  f32[0] = x;
  const bits = u32[0];
  if ((bits & 0x7f800000) === 0x7f800000 && bits & 0x7fffff) return 0x7fc0; // NaN stays NaN
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff; // round to nearest even
}

/** The value of a bfloat16 bit pattern (exact: every bf16 is a float32). */
export function fromBf16(h: number): number {
  u32[0] = h << 16;
  return f32[0];
}

/** The value x becomes when rounded to bfloat16. */
export function roundToBfloat16(x: number): number {
  return fromBf16(toBf16(x));
}
