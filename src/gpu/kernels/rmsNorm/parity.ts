// RMSNorm kernel against the stock ops on the CPU: a matrix, a (B, T, d) batch with a width that
// is not a multiple of the workgroup, and a single row. Tolerance: float32 rounding of sums of
// a few hundred terms. Every row layout the device runs (a workgroup, a thread or a subgroup per row).
import { checkOpParity, type KernelParity } from '../parity';
import { stockRmsNorm } from '../../../core/model/kernels';
import { rmsNormKernel } from './rmsNorm';
import { deviceRowLayouts, type RowLayout } from '../program';

export const RMSNORM_TOLERANCE = 1e-4;

/** Every layout this device runs ('subgroup' where it has the subgroups feature), or those given. */
export function checkRmsNormParity(layouts: readonly RowLayout[] = deviceRowLayouts(), name = 'rmsnorm'): Promise<KernelParity> {
  const op = (eps: number, layout: RowLayout) => (ours: boolean, [x, w]: import('@tensorflow/tfjs').Tensor[]) => (ours ? rmsNormKernel(x, w, eps, layout) : stockRmsNorm(x, w, eps));
  return checkOpParity(name, layouts.flatMap((layout) => [
    { inputs: [{ shape: [6, 32] }, { shape: [32] }], run: op(1e-5, layout) },
    { inputs: [{ shape: [2, 9, 200] }, { shape: [200] }], run: op(1e-6, layout) },
    { inputs: [{ shape: [1, 1, 7] }, { shape: [7] }], run: op(1e-5, layout) },
    { inputs: [{ shape: [3, 50, 24] }, { shape: [24] }], run: op(1e-5, layout) },
  ]), RMSNORM_TOLERANCE);
}
