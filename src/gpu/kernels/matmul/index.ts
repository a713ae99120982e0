// The linear-layer kernels' entries in the kernel list: one at a time, the precision picks it
// (switching 'matmul' off gives the stock ops at either precision).
import { modelOpKernel } from '../kernel';
import { linearKernel, linearKernelHalf, linearWith } from './matmul';
import type { MatmulCandidate } from '../../autotune/table';
import { checkMatmulHalfParity, checkMatmulParity } from './parity';

export const matmulKernel = modelOpKernel({
  id: 'matmul',
  description: 'linear layers x W^T and both gradient products: 12x8 register blocks, transposes as strides, no barriers; where the tuner timed a product\'s shape, the fastest of that, a tiled kernel with workgroup memory and tfjs\'s matMul',
  applies: (o) => o.precision === 'f32',
  op: 'linear',
  impl: (o) => {
    const tuning = o.tuning;
    return tuning ? (x, w) => linearWith((shape) => (tuning.choice(shape) as MatmulCandidate | undefined) ?? 'blocked', x, w) : linearKernel;
  },
  parity: checkMatmulParity,
});

export const matmulHalfKernel = modelOpKernel({
  id: 'matmul-f16',
  description: 'linear layers with x and W stored as binary16 (two to a 32-bit word, rounded to nearest even on the GPU), f32 gradients and sums; used with precision f16',
  applies: (o) => o.precision === 'f16' && !o.off.has('matmul'),
  op: 'linear',
  impl: () => linearKernelHalf,
  parity: checkMatmulHalfParity,
});
