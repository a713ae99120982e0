// How our matmul programs read their operands: C (m, n) = op(A) (m, k) x op(B) (k, n), with each
// operand row-major and possibly transposed, read through strides so no transpose is copied. The
// register-blocked and the tiled kernel take the same uniforms.
export interface ProductLayout {
  m: number;
  n: number;
  k: number;
  uniforms: { name: string; type: 'i32'; value: number }[];
}

/** The product's sizes and strides; throws (naming `what`) when the inner sizes differ. */
export function productLayout(aShape: readonly number[], bShape: readonly number[], transA: boolean, transB: boolean, what: string): ProductLayout {
  const [m, k] = transA ? [aShape[1], aShape[0]] : [aShape[0], aShape[1]];
  const n = transB ? bShape[0] : bShape[1];
  const kb = transB ? bShape[1] : bShape[0];
  if (k !== kb) throw new Error(`${what}: inner sizes differ (${k} and ${kb})`);
  return {
    m, n, k,
    uniforms: [
      { name: 'm', type: 'i32', value: m }, { name: 'n', type: 'i32', value: n }, { name: 'k', type: 'i32', value: k },
      // A(i, p) = a[i * aI + p * aP], B(p, j) = b[p * bP + j * bJ].
      { name: 'aI', type: 'i32', value: transA ? 1 : k }, { name: 'aP', type: 'i32', value: transA ? m : 1 },
      { name: 'bP', type: 'i32', value: transB ? 1 : n }, { name: 'bJ', type: 'i32', value: transB ? k : 1 },
    ],
  };
}
