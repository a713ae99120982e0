// SwiGLU kernel against the stock ops on the CPU: values and both gradients, for the tiny
// model's MLP shape and one with gates far into both tails of the sigmoid (|g| up to 30).
// Tolerance: a few float32 roundings of exp and products.
import { checkOpParity, type KernelParity } from '../parity';
import { stockSwiglu } from '../../../core/model/kernels';
import { swigluKernel } from './swiglu';

export const SWIGLU_TOLERANCE = 1e-5;

export function checkSwigluParity(): Promise<KernelParity> {
  const tails = Float32Array.from({ length: 3 * 41 }, (_, i) => ((i % 41) - 20) * 1.5);
  return checkOpParity('swiglu', [
    { inputs: [{ shape: [2, 16, 64] }, { shape: [2, 16, 64] }], run: (ours, [g, u]) => (ours ? swigluKernel : stockSwiglu)(g, u) },
    { inputs: [{ shape: [3, 41], data: tails }, { shape: [3, 41] }], run: (ours, [g, u]) => (ours ? swigluKernel : stockSwiglu)(g, u) },
  ], SWIGLU_TOLERANCE);
}
