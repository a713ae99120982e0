// What one of our WebGPU kernels declares, so that adding a kernel is its folder (program,
// gradient, parity check and an index.ts exporting one of these) plus one entry in ./index.ts:
// which stock op(s) of a Kernels value it replaces, when it applies, and how it is checked.
import type { Kernels } from '../../core/kernels';
import type { KernelParity } from './parity';
import type { RowLayout } from './program';
import type { KernelTuning } from '../autotune/table';
import { deviceFeatures } from '../features';

/**
 * Storage of the linear layers' operands on our path: 'f32', or 'f16' (inputs and weights rounded
 * to binary16 for the products and the copies kept for the backward pass; gradients and sums f32).
 */
export type KernelPrecision = 'f32' | 'f16';

/** What building a Kernels value knows about the choice and the device. */
export interface KernelOptions {
  precision: KernelPrecision;
  /** Row kernels' layout for the adapter (program.ts rowLayoutFor). */
  rowLayout: RowLayout;
  /** Kernels switched off by id. */
  off: ReadonlySet<string>;
  /**
   * The tuner's choices for this adapter (autotune/table.ts): the tuned kernels run the chosen
   * candidate per shape bucket, and their default (rowLayout, the blocked matmul) elsewhere.
   */
  tuning?: KernelTuning;
}

export interface StudioKernel {
  id: string;
  description: string;
  /** The only backend its programs are registered for. */
  backend: 'webgpu';
  /** Whether it runs under these options, beyond its own on/off switch (absent: always). */
  applies?(o: KernelOptions): boolean;
  /** `k` with this kernel in place of the stock op(s) it replaces. */
  install(k: Kernels, o: KernelOptions): Kernels;
  /** The kernel against its CPU reference on the active backend (values and gradients). */
  parity(): Promise<KernelParity>;
}

/** A kernel that replaces one of the model's ops: `install` swaps that entry of k.model. */
export function modelOpKernel<K extends keyof Kernels['model']>(
  spec: Omit<StudioKernel, 'install' | 'backend'> & { op: K; impl: (o: KernelOptions) => Kernels['model'][K] },
): StudioKernel {
  const { op, impl, ...rest } = spec;
  return { ...rest, backend: 'webgpu', install: (k, o) => ({ ...k, model: { ...k.model, [op]: impl(o) } }) };
}

/**
 * The row layout a row kernel uses at `shape` (rows = all but the last dimension): the tuner's
 * choice for that shape bucket where there is one, else the adapter's default. A stored
 * 'subgroup' choice on a device without the feature falls back to the default.
 */
export function rowLayoutOf(o: KernelOptions, kernel: 'rmsnorm' | 'cross-entropy', shape: readonly number[]): RowLayout {
  const cols = shape[shape.length - 1];
  const rows = shape.reduce((a, b) => a * b, 1) / cols;
  const chosen = o.tuning?.choice({ kernel, rows, cols }) as RowLayout | undefined;
  if (!chosen || (chosen === 'subgroup' && !deviceFeatures().subgroups)) return o.rowLayout;
  return chosen;
}
