// The contract of a merge method: its parameters (global and per model, with defaults and
// ranges, as mergekit declares them), whether it needs a base model, and the merge of one tensor
// from the experts' (and base's) versions of it. Methods run tensor by tensor, so a merge holds
// one tensor per model at a time.
import type * as tf from '@tensorflow/tfjs';
import type { ParamSpec, ParamValues } from '../params';
import type { Kernels } from '../kernels';

export interface TensorMergeInput {
  name: string;
  /** The base model's tensor (θ0); absent for methods that do not use one. */
  base?: tf.Tensor;
  /** Each expert's tensor (θt), in model order. */
  models: tf.Tensor[];
  /** Each expert's parameters (weight, density, ...), defaults filled. */
  perModel: ParamValues[];
  global: ParamValues;
  /** Diagonal Fisher of each expert for this tensor (fisher merging only). */
  fisher?: tf.Tensor[];
  /**
   * The mulberry32 seed of model i's uniform [0, 1) noise for this tensor (DARE's drop), derived
   * from the merge seed and the tensor's name: entry j is the generator's (j+1)-th draw, so a GPU
   * kernel can draw entry j on its own (see uniformStream in core/rng.ts).
   */
  noiseSeed(modelIndex: number): number;
  /**
   * Receives, for diagnostics, the (n, ...) 0/1 mask of task-vector entries that reach the merge
   * after sparsification and consensus. Methods without such a mask do not call it.
   */
  reportKept?(mask: tf.Tensor): void;
}

export interface MergeMethod {
  id: string;
  label: string;
  description: string;
  paper: { title: string; url: string };
  /** The method's name in mergekit's YAML; null when mergekit has no such method. */
  mergekitName: string | null;
  /** Our own formulation, not from a paper: the UI says so. */
  ours?: boolean;
  base: 'required' | 'optional' | 'none';
  /** Exact number of experts when the method is defined only for that many (slerp: 2). */
  expertCount?: number;
  globalParams: ParamSpec[];
  modelParams: ParamSpec[];
  /**
   * Keys mergekit declares for this method but does not use (task_arithmetic's density, every
   * generalized task arithmetic method's int8_mask): accepted, ignored as mergekit ignores them,
   * and named in the plan's notes with `why`.
   */
  ignoredParams?: { name: string; scope: 'global' | 'model'; why: string }[];
  /** Generalized task arithmetic divides by 1 where the weights sum to ~0 (mergekit); others refuse. */
  family?: 'task-arithmetic';
  /** Checks one tensor's resolved parameters beyond their ranges (della's density ± epsilon); throws naming the problem. */
  checkParams?(perModel: ParamValues[], global: ParamValues, where: string): void;
  /** Merges one tensor with `kernels` (methods without a kernel of their own use stock ops); call inside tf.tidy. */
  mergeTensor(input: TensorMergeInput, kernels: Kernels): tf.Tensor;
}
