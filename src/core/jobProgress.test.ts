import { describe, expect, it } from 'vitest';
import { jobEta } from './jobProgress';

describe('jobEta', () => {
  it('is the time left at the rate so far, and unknown before the first unit or while the size is unknown', () => {
    expect(jobEta(25, 100, 10)).toBeCloseTo(30, 6);
    expect(jobEta(100, 100, 10)).toBe(0);
    expect(jobEta(0, 100, 10)).toBeUndefined();
    expect(jobEta(5, 0, 10)).toBeUndefined();
  });
});
