// The fused AdamW kernel's entry in the kernel list.
import type { StudioKernel } from '../kernel';
import { fusedAdamWStep } from './fusedAdamW';
import { checkAdamWParity } from './parity';

export const adamwKernel: StudioKernel = {
  id: 'adamw',
  description: 'fused AdamW: one dispatch per parameter updates p, m, v in place, clipping folded in',
  backend: 'webgpu',
  install: (k) => ({ ...k, adamW: fusedAdamWStep }),
  parity: checkAdamWParity,
};
