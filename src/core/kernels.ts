// The kernels a computation runs on, as one value passed explicitly: the model's hot paths, the
// gradient norm clipping uses, the optimizer's fused step and the task-vector merge. The worker
// builds one from the active backend (gpu/register.ts: our WebGPU kernels where they are on, the
// stock ops elsewhere) and hands it to forward(), the Trainer, scoring and runMerge. The CPU
// reference below is itself such a value, so a parity check runs the same call with two values.
// There is no module-level default: whoever computes says with what.
import type * as tf from '@tensorflow/tfjs';
import { STOCK_MODEL_OPS, type ModelOps } from './model/kernels';
import { stockGlobalNorm } from './train/clip';
import type { FusedAdamWStep } from './train/adamw';
import { mergeTaskVectors, type TaskVectorMerge } from './merge/taskArithmetic';

export interface Kernels {
  /** What this value is, for status and reports: 'cpu-reference', 'webgpu-studio', 'webgpu-stock', ... */
  readonly name: string;
  /** The decoder's hot paths (core/model/kernels.ts). */
  readonly model: ModelOps;
  /** The L2 norm of all tensors together, as a scalar tensor (no CPU sync). */
  globalNorm(tensors: tf.Tensor[]): tf.Scalar;
  /** A fused AdamW update of every parameter; absent: the stock tfjs-op update (AdamW.apply). */
  readonly adamW?: FusedAdamWStep;
  /** Generalized task arithmetic of one planned tensor (core/merge/taskArithmetic.ts). */
  readonly mergeTaskVectors: TaskVectorMerge;
  /**
   * The most bytes one tensor may have (the device's maxStorageBufferBindingSize, or a smaller
   * limit forced for testing): weights over it are held in row shards (model/shards.ts) and the
   * loss goes through the head in tiles under it. Absent: no limit (the CPU backend).
   */
  readonly bindingLimitBytes?: number;
}

/** The stock tfjs ops everywhere: the CPU reference every kernel of ours is checked against. */
export const referenceKernels: Kernels = {
  name: 'cpu-reference',
  model: STOCK_MODEL_OPS,
  globalNorm: stockGlobalNorm,
  mergeTaskVectors,
};
