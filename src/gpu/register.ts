// The studio's own GPU kernels, in one explicit list, and the switch between them and the stock
// tfjs ops ('studio' or 'stock'), so every benchmark can compare both in one run. A kernel is used
// only on the backend it was written for; elsewhere the stock path runs.
import * as tf from '@tensorflow/tfjs';
import type { FusedAdamWStep } from '../core/train/adamw';
import { fusedAdamWStep } from './kernels/adamw/fusedAdamW';
import { checkAdamWParity, type KernelParity } from './kernels/adamw/parity';

export type KernelMode = 'studio' | 'stock';

export interface StudioKernel {
  id: string;
  description: string;
  backend: 'webgpu';
  parity: () => Promise<KernelParity>;
}

export const STUDIO_KERNELS: StudioKernel[] = [
  { id: 'adamw', description: 'fused AdamW: one dispatch per parameter updates p, m, v in place, clipping folded in', backend: 'webgpu', parity: checkAdamWParity },
];

let mode: KernelMode = 'studio';

export function setKernelMode(next: KernelMode): void {
  if (next !== 'studio' && next !== 'stock') throw new Error(`kernel mode must be 'studio' or 'stock', got ${JSON.stringify(next)}`);
  mode = next;
}

export function kernelStatus(): { mode: KernelMode; kernels: { id: string; description: string; active: boolean }[] } {
  return { mode, kernels: STUDIO_KERNELS.map((k) => ({ id: k.id, description: k.description, active: mode === 'studio' && tf.getBackend() === k.backend })) };
}

/** The optimizer step training uses now: our fused kernel, or undefined for the stock ops. */
export function activeFusedAdamW(): FusedAdamWStep | undefined {
  return mode === 'studio' && tf.getBackend() === 'webgpu' ? fusedAdamWStep : undefined;
}

/** Every kernel's parity on the active backend (kernels for another backend are skipped). */
export async function checkKernelParity(): Promise<KernelParity[]> {
  const out: KernelParity[] = [];
  for (const k of STUDIO_KERNELS) if (tf.getBackend() === k.backend) out.push(await k.parity());
  return out;
}
