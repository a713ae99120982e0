// formatFlops is the studio's only FLOP formatter (it replaced two with different output: the
// panels' "900FLOP" and "1500 GFLOP", the planner's "5.32e+5 FLOP").
import { describe, expect, it } from 'vitest';
import { formatFlops } from './formatFlops';

describe('formatFlops', () => {
  it('writes three significant digits with an SI prefix and a space, from FLOP to PFLOP', () => {
    expect(formatFlops(900)).toBe('900 FLOP');
    expect(formatFlops(12_345)).toBe('12.3 kFLOP');
    expect(formatFlops(532_000)).toBe('532 kFLOP');
    expect(formatFlops(44.4e6)).toBe('44.4 MFLOP');
    expect(formatFlops(1.35e9)).toBe('1.35 GFLOP');
    expect(formatFlops(1.5e12)).toBe('1.50 TFLOP');
    expect(formatFlops(6.45e16)).toBe('64.5 PFLOP');
  });

  it('picks the prefix after rounding, so a value just under a unit reads in that unit', () => {
    expect(formatFlops(999_600)).toBe('1.00 MFLOP');
    expect(formatFlops(999.7)).toBe('1.00 kFLOP');
  });

  it('writes zero and small counts as integers, and a value that is not a number as a dash', () => {
    expect(formatFlops(0)).toBe('0 FLOP');
    expect(formatFlops(7)).toBe('7 FLOP');
    expect(formatFlops(Number.NaN)).toBe('—');
    expect(formatFlops(Number.POSITIVE_INFINITY)).toBe('—');
  });
});
