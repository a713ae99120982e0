// The rotary embedding kernel's entry in the kernel list.
import { modelOpKernel } from '../kernel';
import { checkRopeParity } from './parity';
import { ropeKernel } from './rope';

export const ropeKernelEntry = modelOpKernel({
  id: 'rope',
  description: 'rotary embedding in token-major layout, one program each way',
  op: 'rope',
  impl: () => ropeKernel,
  parity: checkRopeParity,
});
