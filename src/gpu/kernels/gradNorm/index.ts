// The gradient-norm kernel's entry in the kernel list.
import type { StudioKernel } from '../kernel';
import { checkGradNormParity } from './parity';
import { globalNormKernel } from './sumSquares';

export const gradNormKernel: StudioKernel = {
  id: 'grad-norm',
  description: 'global gradient norm for clipping: up to seven gradients per program, per-thread partial sums, one sum',
  backend: 'webgpu',
  install: (k) => ({ ...k, globalNorm: globalNormKernel }),
  parity: checkGradNormParity,
};
