// The SwiGLU activation kernel's entry in the kernel list.
import { modelOpKernel } from '../kernel';
import { checkSwigluParity } from './parity';
import { swigluKernel } from './swiglu';

export const swigluKernelEntry = modelOpKernel({
  id: 'swiglu',
  description: 'the gated MLP activation silu(gate) * up: one program forward, two backward',
  op: 'swiglu',
  impl: () => swigluKernel,
  parity: checkSwigluParity,
});
