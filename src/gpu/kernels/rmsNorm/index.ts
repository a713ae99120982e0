// The RMSNorm kernel's entry in the kernel list (row layout from the tuner's choice for the shape, else from the adapter).
import { modelOpKernel, rowLayoutOf } from '../kernel';
import { checkRmsNormParity } from './parity';
import { rmsNormKernel } from './rmsNorm';

export const rmsNormKernelEntry = modelOpKernel({
  id: 'rmsnorm',
  description: 'RMSNorm: one program forward, three backward',
  op: 'rmsNorm',
  impl: (o) => (x, w, eps) => rmsNormKernel(x, w, eps, rowLayoutOf(o, 'rmsnorm', x.shape)),
  parity: () => checkRmsNormParity(),
});
