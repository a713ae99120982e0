// The RMSNorm kernel's entry in the kernel list (row layout from the adapter).
import { modelOpKernel } from '../kernel';
import { checkRmsNormParity } from './parity';
import { rmsNormKernel } from './rmsNorm';

export const rmsNormKernelEntry = modelOpKernel({
  id: 'rmsnorm',
  description: 'RMSNorm: one program forward, three backward',
  op: 'rmsNorm',
  impl: (o) => (x, w, eps) => rmsNormKernel(x, w, eps, o.rowLayout),
  parity: checkRmsNormParity,
});
