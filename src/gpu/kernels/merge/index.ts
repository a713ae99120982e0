// The fused task-vector merge kernel's entry in the kernel list.
import type { StudioKernel } from '../kernel';
import { checkMergeKernelParity } from './parity';
import { taskVectorMergeKernel } from './taskVectors';

export const mergeKernel: StudioKernel = {
  id: 'merge',
  description: 'task-vector merges (TIES, DARE, breadcrumbs, ...): exact keep counts by radix select on |τ| and then on the index among equal entries, DARE noise drawn in the kernel, the L1 rescale from one pass and two sums, one pass for trim, sign election and disjoint mean (DELLA: stock ops)',
  backend: 'webgpu',
  install: (k) => ({ ...k, mergeTaskVectors: taskVectorMergeKernel }),
  parity: checkMergeKernelParity,
};
