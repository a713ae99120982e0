// Linear-layer kernels (x W^T and its two gradient products), float32 and half storage, against
// their CPU references: the tiny model's shapes, sizes that are not multiples of the 12x8 block,
// and one column. Tolerance: float32 rounding of dot products of a few hundred terms.
import * as tf from '@tensorflow/tfjs';
import { checkOpParity, type KernelParity } from '../parity';
import { stockLinear } from '../../../core/model/kernels';
import { mulberry32 } from '../../../core/rng';
import { halfLinearReference } from './halfReference';
import { linearKernel, linearKernelHalf } from './matmul';

export const MATMUL_TOLERANCE = 1e-4;

export function checkMatmulParity(): Promise<KernelParity> {
  const op = (ours: boolean, [x, w]: tf.Tensor[]) => (ours ? linearKernel : stockLinear)(x as tf.Tensor2D, w as tf.Tensor2D);
  return checkOpParity('matmul', [
    { inputs: [{ shape: [64, 32] }, { shape: [96, 32] }], run: op },
    { inputs: [{ shape: [37, 130] }, { shape: [19, 130] }], run: op },
    { inputs: [{ shape: [5, 3] }, { shape: [1, 3] }], run: op },
  ], MATMUL_TOLERANCE);
}

/**
 * The half-storage linear layer against its CPU reference (inputs rounded to binary16, float64
 * sums): value and both gradients, with the same cases and tolerance as the float32 kernel (the
 * products of halves are exact in float32, so only the sums' rounding differs). The stock
 * float32 ops on the active backend are compared with the same reference, to show how much the
 * f16 storage itself changes the numbers.
 */
export async function checkMatmulHalfParity(seed = 0): Promise<KernelParity> {
  // The last case's x holds rounding edge cases: ties that go down and up to the even half, values
  // just past a tie, f16 subnormals (one a tie between two of them) and values too small for f16.
  const edges = [1 + 2 ** -11, 1 + 3 * 2 ** -11, -(1 + 2 ** -11 + 2 ** -20), 0.5 + 2 ** -13, 3 * 2 ** -25, -(2 ** -24), 2 ** -26, 6e-5, 1e-7, -0.75, 3 + 2 ** -10, 0];
  const cases: [number, number, number, Float32Array?][] = [[64, 32, 96], [37, 130, 19], [5, 3, 1], [3, 4, 5, Float32Array.from(edges)]];
  let valueMax = 0;
  let gradMax = 0;
  let stockMax = 0;
  for (const [n, [m, inSize, out, xData]] of cases.entries()) {
    const rand = mulberry32(seed * 7919 + n);
    const draw = (size: number) => Float32Array.from({ length: size }, () => rand() * 2 - 1);
    const x = xData ?? draw(m * inSize);
    const w = draw(out * inSize);
    const dy = draw(m * out);
    const ref = halfLinearReference(x, w, dy, m, inSize, out);
    const run = async (op: typeof linearKernelHalf) => {
      const xt = tf.tensor2d(x, [m, inSize]);
      const wt = tf.tensor2d(w, [out, inSize]);
      const upstream = tf.tensor2d(dy, [m, out]);
      const y = tf.tidy(() => op(xt, wt));
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(op(a as tf.Tensor2D, b as tf.Tensor2D), upstream)))([xt, wt]);
      const got = await Promise.all([y, dx, dw].map(async (t) => (await t.data()) as Float32Array));
      tf.dispose([xt, wt, upstream, y, dx, dw]);
      return got;
    };
    const diff = (a: Float32Array, b: Float64Array) => a.reduce((mx, v, i) => Math.max(mx, Math.abs(v - b[i])), 0);
    const [y, dx, dw] = await run(linearKernelHalf);
    valueMax = Math.max(valueMax, diff(y, ref.y));
    gradMax = Math.max(gradMax, diff(dx, ref.dx), diff(dw, ref.dw));
    const stock = await run(stockLinear);
    stockMax = Math.max(stockMax, diff(stock[0], ref.y), diff(stock[1], ref.dx), diff(stock[2], ref.dw));
  }
  const maxAbsDiff = Math.max(valueMax, gradMax);
  return { kernel: 'matmul-f16', backend: tf.getBackend(), maxAbsDiff, stockMaxAbsDiff: stockMax, valueMaxAbsDiff: valueMax, gradMaxAbsDiff: gradMax, tolerance: MATMUL_TOLERANCE, ok: maxAbsDiff <= MATMUL_TOLERANCE };
}
