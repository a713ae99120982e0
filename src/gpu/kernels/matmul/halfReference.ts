// CPU reference of the half-storage linear layer (linearKernelHalf): x and W rounded to binary16
// (round to nearest even), products and sums in float64, the upstream gradient kept in float32.
// Products of two halves are exact in float32, so the GPU kernel may differ from this only by
// the order and float32 rounding of its sums.
import { roundToFloat16 } from '../../../core/numeric/float16';

export interface LinearReference {
  /** y = x W^T, (M, out). */
  y: Float64Array;
  /** dX = dY W, (M, in). */
  dx: Float64Array;
  /** dW = dY^T X, (out, in). */
  dw: Float64Array;
}

/** x (M, in), w (out, in), dy (M, out), all row-major. */
export function halfLinearReference(x: Float32Array, w: Float32Array, dy: Float32Array, m: number, inSize: number, out: number): LinearReference {
  const xh = Float64Array.from(x, roundToFloat16);
  const wh = Float64Array.from(w, roundToFloat16);
  const y = new Float64Array(m * out);
  const dx = new Float64Array(m * inSize);
  const dw = new Float64Array(out * inSize);
  for (let i = 0; i < m; i++) {
    for (let o = 0; o < out; o++) {
      let s = 0;
      for (let p = 0; p < inSize; p++) s += xh[i * inSize + p] * wh[o * inSize + p];
      y[i * out + o] = s;
      const g = dy[i * out + o];
      for (let p = 0; p < inSize; p++) {
        dx[i * inSize + p] += g * wh[o * inSize + p];
        dw[o * inSize + p] += g * xh[i * inSize + p];
      }
    }
  }
  return { y, dx, dw };
}
