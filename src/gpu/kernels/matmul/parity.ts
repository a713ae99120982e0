// Linear-layer kernel (x W^T and its two gradient products) against tf.matMul on the CPU: the
// tiny model's shapes, sizes that are not multiples of the 12x8 block, and one column.
// Tolerance: float32 rounding of dot products of a few hundred terms.
import type * as tf from '@tensorflow/tfjs';
import { checkOpParity, type KernelParity } from '../parity';
import { stockLinear } from '../../../core/model/kernels';
import { linearKernel } from './matmul';

export const MATMUL_TOLERANCE = 1e-4;

export function checkMatmulParity(): Promise<KernelParity> {
  const op = (ours: boolean, [x, w]: tf.Tensor[]) => (ours ? linearKernel : stockLinear)(x as tf.Tensor2D, w as tf.Tensor2D);
  return checkOpParity('matmul', [
    { inputs: [{ shape: [64, 32] }, { shape: [96, 32] }], run: op },
    { inputs: [{ shape: [37, 130] }, { shape: [19, 130] }], run: op },
    { inputs: [{ shape: [5, 3] }, { shape: [1, 3] }], run: op },
  ], MATMUL_TOLERANCE);
}
