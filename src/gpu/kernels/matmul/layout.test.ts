// The strides the matmul programs read through: each transpose case addresses the element of
// op(A) and op(B) a row-major product needs.
import { describe, expect, it } from 'vitest';
import { productLayout } from './layout';

const strides = (l: ReturnType<typeof productLayout>) => Object.fromEntries(l.uniforms.map((u) => [u.name, u.value]));

describe('productLayout', () => {
  it('reads A(i, p) and B(p, j) of every transpose case', () => {
    // op(A) 2x3, op(B) 3x4 in all four storages.
    expect(strides(productLayout([2, 3], [3, 4], false, false, 'm'))).toEqual({ m: 2, n: 4, k: 3, aI: 3, aP: 1, bP: 4, bJ: 1 });
    expect(strides(productLayout([3, 2], [3, 4], true, false, 'm'))).toEqual({ m: 2, n: 4, k: 3, aI: 1, aP: 2, bP: 4, bJ: 1 });
    expect(strides(productLayout([2, 3], [4, 3], false, true, 'm'))).toEqual({ m: 2, n: 4, k: 3, aI: 3, aP: 1, bP: 1, bJ: 3 });
    expect(strides(productLayout([3, 2], [4, 3], true, true, 'm'))).toEqual({ m: 2, n: 4, k: 3, aI: 1, aP: 2, bP: 1, bJ: 3 });
  });
  it('refuses inner sizes that differ, naming the kernel', () => {
    expect(() => productLayout([2, 3], [5, 4], false, false, 'tiled matmul')).toThrow('tiled matmul: inner sizes differ (3 and 5)');
  });
});
