// The studio's own GPU kernels, in one explicit list: adding a kernel is its folder (with an
// index.ts exporting a StudioKernel) plus one entry here. The order is the order of status
// reports and parity checks.
import type { StudioKernel } from './kernel';
import { adamwKernel } from './adamw';
import { gradNormKernel } from './gradNorm';
import { matmulHalfKernel, matmulKernel } from './matmul';
import { attentionKernel } from './attention';
import { rmsNormKernelEntry } from './rmsNorm';
import { ropeKernelEntry } from './rope';
import { swigluKernelEntry } from './swiglu';
import { crossEntropyKernel } from './crossEntropy';
import { mergeKernel } from './merge';

export const STUDIO_KERNELS: readonly StudioKernel[] = [
  adamwKernel,
  gradNormKernel,
  matmulKernel,
  matmulHalfKernel,
  attentionKernel,
  rmsNormKernelEntry,
  ropeKernelEntry,
  swigluKernelEntry,
  crossEntropyKernel,
  mergeKernel,
];
