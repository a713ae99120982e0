// Linear-layer kernels (x W^T and its two gradient products), float32 and half storage, against
// their CPU references: the tiny model's shapes, sizes that are not multiples of the 12x8 block,
// and one column. Tolerance: float32 rounding of dot products of a few hundred terms.
import type * as tf from '@tensorflow/tfjs';
import { checkOpParity, type KernelParity } from '../parity';
import { stockLinear } from '../../../core/model/kernels';
import { halfLinearReference } from './halfReference';
import { linearKernel, linearKernelHalf, linearWith } from './matmul';
import type { MatmulCandidate } from '../../autotune/table';

export const MATMUL_TOLERANCE = 1e-4;

/** (rows of x, in, out) of each case. */
const SHAPES: [number, number, number][] = [[64, 32, 96], [37, 130, 19], [5, 3, 1]];

export function checkMatmulParity(): Promise<KernelParity> {
  const op = (ours: boolean, [x, w]: tf.Tensor[]) => (ours ? linearKernel : stockLinear)(x as tf.Tensor2D, w as tf.Tensor2D);
  return checkOpParity('matmul', SHAPES.map(([m, k, n]) => ({ inputs: [{ shape: [m, k] }, { shape: [n, k] }], run: op })), MATMUL_TOLERANCE);
}

/**
 * One matmul candidate of the tuner (autotune/table.ts) in all three products of the linear layer,
 * with the cases and tolerance of the kernel above: 'tiled' is our workgroup-memory kernel,
 * 'tfjs' tfjs's own matMul on the active backend (its parity is the stock ops' own float noise).
 */
export function checkMatmulCandidateParity(candidate: MatmulCandidate): Promise<KernelParity> {
  const op = (ours: boolean, [x, w]: tf.Tensor[]) => (ours ? linearWith(() => candidate, x as tf.Tensor2D, w as tf.Tensor2D) : stockLinear(x as tf.Tensor2D, w as tf.Tensor2D));
  // A tile-sized case too: 32x32 tiles with a 16-deep slice, and one past the edge of each.
  const shapes: [number, number, number][] = [...SHAPES, [32, 16, 32], [33, 17, 65]];
  return checkOpParity(`matmul:${candidate}`, shapes.map(([m, k, n]) => ({ inputs: [{ shape: [m, k] }, { shape: [n, k] }], run: op })), MATMUL_TOLERANCE);
}

/**
 * The half-storage linear layer against its CPU reference (inputs rounded to binary16, float64
 * sums): value and both gradients, with the same cases and tolerance as the float32 kernel (the
 * products of halves are exact in float32, so only the sums' rounding differs). The stock
 * float32 ops on the active backend are compared with the same reference, to show how much the
 * f16 storage itself changes the numbers. The last case's x holds rounding edge cases: ties that
 * go down and up to the even half, values just past a tie, f16 subnormals (one a tie between two
 * of them) and values too small for f16.
 */
export function checkMatmulHalfParity(): Promise<KernelParity> {
  const edges = Float32Array.from([1 + 2 ** -11, 1 + 3 * 2 ** -11, -(1 + 2 ** -11 + 2 ** -20), 0.5 + 2 ** -13, 3 * 2 ** -25, -(2 ** -24), 2 ** -26, 6e-5, 1e-7, -0.75, 3 + 2 ** -10, 0]);
  const cases: [number, number, number, Float32Array?][] = [...SHAPES, [3, 4, 5, edges]];
  const op = (ours: boolean, [x, w]: tf.Tensor[]) => (ours ? linearKernelHalf : stockLinear)(x as tf.Tensor2D, w as tf.Tensor2D);
  return checkOpParity('matmul-f16', cases.map(([m, k, n, x]) => ({
    inputs: [{ shape: [m, k], data: x }, { shape: [n, k] }],
    run: op,
    reference: ([xs, ws], dy) => {
      const r = halfLinearReference(xs as Float32Array, ws as Float32Array, dy, m, k, n);
      return { value: r.y, grads: [r.dx, r.dw] };
    },
  })), MATMUL_TOLERANCE);
}
