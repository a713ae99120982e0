import { describe, expect, it } from 'vitest';
import { float16Bits, fromFloat16Bits, roundToFloat16 } from './float16';

describe('binary16 rounding', () => {
  it('rounds to nearest, ties to even, keeps subnormals and overflows to infinity', () => {
    expect(roundToFloat16(1 + 2 ** -11)).toBe(1); // a tie: 1 is even
    expect(roundToFloat16(1 + 3 * 2 ** -11)).toBe(1 + 2 ** -9); // a tie: rounds up to even
    expect(roundToFloat16(1 + 2 ** -11 + 2 ** -20)).toBe(1 + 2 ** -10); // past the tie
    expect(roundToFloat16(2 ** -24)).toBe(2 ** -24); // smallest subnormal
    expect(roundToFloat16(2 ** -26)).toBe(0);
    expect(roundToFloat16(-3 * 2 ** -25)).toBe(-(2 ** -23)); // subnormal tie to even
    expect(roundToFloat16(65504)).toBe(65504);
    expect(roundToFloat16(70000)).toBe(Infinity);
    expect(float16Bits(-0)).toBe(0x8000);
    expect(fromFloat16Bits(0x3c00)).toBe(1);
    expect(Number.isNaN(roundToFloat16(NaN))).toBe(true);
  });
});
