import { describe, expect, it } from 'vitest';
import { halfLinearReference } from './halfReference';

describe('halfLinearReference', () => {
  it('is the exact product on halves, and rounds inputs that are not halves', () => {
    // x = [[1, 2], [0.5, -1]], w = [[1, 1], [2, 0.25], [-1, 3]]: all exact halves.
    const x = Float32Array.from([1, 2, 0.5, -1]);
    const w = Float32Array.from([1, 1, 2, 0.25, -1, 3]);
    const dy = Float32Array.from([1, 0, 2, -1, 0.5, 0]);
    const r = halfLinearReference(x, w, dy, 2, 2, 3);
    expect([...r.y]).toEqual([3, 2.5, 5, -0.5, 0.75, -3.5]);
    expect([...r.dx]).toEqual([1 - 2, 1 + 6, -1 + 1, -1 + 0.125]); // dY W
    expect([...r.dw]).toEqual([1 - 0.5, 2 + 1, 0.25, -0.5, 2, 4]); // dY^T X
    // 1 + 2^-12 is not a half: it rounds to 1, so the product sees 1.
    const rounded = halfLinearReference(Float32Array.from([1 + 2 ** -12]), Float32Array.from([3]), Float32Array.from([1]), 1, 1, 1);
    expect(rounded.y[0]).toBe(3);
    expect(rounded.dw[0]).toBe(1);
  });
});
