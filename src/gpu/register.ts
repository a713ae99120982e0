// Builds the Kernels value the engine computes with, once per choice: from the started backend,
// the mode ('studio': our kernels where they apply, or 'stock': tfjs's ops, so every benchmark
// can compare both in one run), the kernels switched off and the precision of the linear layers.
// Changing the choice builds a new value; nothing is switched globally. A kernel is used only on
// the backend it was written for; elsewhere the value holds the stock ops.
import { referenceKernels, type Kernels } from '../core/kernels';
import type { BackendInfo } from './types';
import { STUDIO_KERNELS } from './kernels';
import type { KernelOptions, KernelPrecision, StudioKernel } from './kernels/kernel';
import type { KernelParity } from './kernels/parity';
import { rowLayoutFor, type RowLayout } from './kernels/program';
import type { KernelTuning } from './autotune/table';

export type { KernelPrecision };
export type KernelMode = 'studio' | 'stock';

/** What the user chose: the mode, kernels switched off (to measure each one's share), the precision. */
export interface KernelChoice {
  mode: KernelMode;
  precision: KernelPrecision;
  off: string[];
}

export const DEFAULT_KERNEL_CHOICE: KernelChoice = { mode: 'studio', precision: 'f32', off: [] };

/** What the started backend fixes: its name and the row layout for its adapter. */
export interface KernelTarget {
  backend: string;
  rowLayout: RowLayout;
  /** The bytes one tensor may have (BackendInfo.bindingLimit), carried into the Kernels value. */
  bindingLimitBytes?: number;
}

export function kernelTarget(info: Pick<BackendInfo, 'name' | 'adapter' | 'bindingLimit'>): KernelTarget {
  return { backend: info.name, rowLayout: rowLayoutFor(info.name === 'webgpu' ? info.adapter : undefined), ...(info.bindingLimit ? { bindingLimitBytes: info.bindingLimit.bytes } : {}) };
}

/** Validates a choice from a request; throws naming what is wrong and what is allowed. */
export function kernelChoice(mode: unknown, off: unknown[] = [], precision: unknown = 'f32'): KernelChoice {
  if (mode !== 'studio' && mode !== 'stock') throw new Error(`kernel mode must be 'studio' or 'stock', got ${JSON.stringify(mode)}`);
  if (precision !== 'f32' && precision !== 'f16') throw new Error(`precision must be 'f32' or 'f16', got ${JSON.stringify(precision)}`);
  const unknown = off.filter((id) => !STUDIO_KERNELS.some((k) => k.id === id));
  if (unknown.length) throw new Error(`unknown kernel ${unknown.map((u) => JSON.stringify(u)).join(', ')}; kernels are ${STUDIO_KERNELS.map((k) => k.id).join(', ')}`);
  return { mode, precision, off: off as string[] };
}

function optionsOf(target: KernelTarget, choice: KernelChoice, tuning?: KernelTuning): KernelOptions {
  return { precision: choice.precision, rowLayout: target.rowLayout, off: new Set(choice.off), tuning };
}

function isActive(k: StudioKernel, target: KernelTarget, choice: KernelChoice, o: KernelOptions): boolean {
  return choice.mode === 'studio' && target.backend === k.backend && !o.off.has(k.id) && (k.applies?.(o) ?? true);
}

/**
 * The Kernels value for a backend and a choice: the CPU reference with every active kernel of
 * ours installed; with `tuning`, the tuned kernels run the tuner's choice per shape.
 */
export function buildKernels(target: KernelTarget, choice: KernelChoice, tuning?: KernelTuning): Kernels {
  const o = optionsOf(target, choice, tuning);
  const named: Kernels = target.backend === 'cpu' ? referenceKernels : { ...referenceKernels, name: `${target.backend}-${choice.mode}` };
  const start: Kernels = target.bindingLimitBytes === undefined ? named : { ...named, bindingLimitBytes: target.bindingLimitBytes };
  return STUDIO_KERNELS.filter((k) => isActive(k, target, choice, o)).reduce((value, k) => k.install(value, o), start);
}

export function kernelStatus(target: KernelTarget, choice: KernelChoice): KernelChoice & { rowLayout: RowLayout; kernels: { id: string; description: string; active: boolean }[] } {
  const o = optionsOf(target, choice);
  return { ...choice, off: [...choice.off], rowLayout: target.rowLayout, kernels: STUDIO_KERNELS.map((k) => ({ id: k.id, description: k.description, active: isActive(k, target, choice, o) })) };
}

/** Every kernel's parity on the active backend (kernels for another backend are skipped). */
export async function checkKernelParity(target: KernelTarget): Promise<KernelParity[]> {
  const out: KernelParity[] = [];
  for (const k of STUDIO_KERNELS) if (target.backend === k.backend) out.push(await k.parity());
  return out;
}
