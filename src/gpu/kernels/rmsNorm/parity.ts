// RMSNorm kernel against the stock ops on the CPU: a matrix, a (B, T, d) batch with a width that
// is not a multiple of the workgroup, and a single row. Tolerance: float32 rounding of sums of
// a few hundred terms.
import { checkOpParity, type KernelParity } from '../parity';
import { stockRmsNorm } from '../../../core/model/kernels';
import { rmsNormKernel } from './rmsNorm';

export const RMSNORM_TOLERANCE = 1e-4;

export function checkRmsNormParity(): Promise<KernelParity> {
  const op = (eps: number) => (ours: boolean, [x, w]: import('@tensorflow/tfjs').Tensor[]) => (ours ? rmsNormKernel(x, w, eps) : stockRmsNorm(x, w, eps));
  return checkOpParity('rmsnorm', [
    { inputs: [{ shape: [6, 32] }, { shape: [32] }], run: op(1e-5) },
    { inputs: [{ shape: [2, 9, 200] }, { shape: [200] }], run: op(1e-6) },
    { inputs: [{ shape: [1, 1, 7] }, { shape: [7] }], run: op(1e-5) },
  ], RMSNORM_TOLERANCE);
}
