// The studio's own GPU kernels, in one explicit list, and the switch between them and the stock
// tfjs ops ('studio' or 'stock'), so every benchmark can compare both in one run. A kernel is used
// only on the backend it was written for; elsewhere the stock path runs. The model's hot paths
// (core/model/kernels.ts) are routed here at every call, so a parity check that switches to the
// CPU backend mid-way gets the stock ops there.
import * as tf from '@tensorflow/tfjs';
import type { FusedAdamWStep } from '../core/train/adamw';
import { setModelKernels, STOCK_KERNELS, type ModelKernels } from '../core/model/kernels';
import { fusedAdamWStep } from './kernels/adamw/fusedAdamW';
import { checkAdamWParity } from './kernels/adamw/parity';
import { causalAttentionKernel } from './kernels/attention/causalAttention';
import { checkAttentionParity } from './kernels/attention/parity';
import { targetLogProbsKernel } from './kernels/crossEntropy/targetLogProbs';
import { checkTargetLogProbsParity } from './kernels/crossEntropy/parity';
import type { KernelParity } from './kernels/parity';
import { rmsNormKernel } from './kernels/rmsNorm/rmsNorm';
import { checkRmsNormParity } from './kernels/rmsNorm/parity';
import { ropeKernel } from './kernels/rope/rope';
import { swigluKernel } from './kernels/swiglu/swiglu';
import { checkSwigluParity } from './kernels/swiglu/parity';
import { linearKernel, linearKernelHalf } from './kernels/matmul/matmul';
import { checkMatmulHalfParity, checkMatmulParity } from './kernels/matmul/parity';
import { checkRopeParity } from './kernels/rope/parity';
import { taskVectorMergeKernel } from './kernels/merge/taskVectors';
import { rowLayout, type RowLayout } from './kernels/program';
import { checkMergeKernelParity } from './kernels/merge/parity';
import { mergeTaskVectors, setTaskVectorMerge } from '../core/merge/taskArithmetic';
import { setGlobalNorm, stockGlobalNorm } from '../core/train/clip';
import { globalNormKernel } from './kernels/gradNorm/sumSquares';
import { checkGradNormParity } from './kernels/gradNorm/parity';

export type KernelMode = 'studio' | 'stock';

/**
 * Storage of the linear layers' operands on our path: 'f32', or 'f16' (inputs and weights rounded
 * to binary16 for the products and the copies kept for the backward pass; gradients and sums f32).
 */
export type KernelPrecision = 'f32' | 'f16';

export type KernelId = 'adamw' | 'grad-norm' | 'matmul' | 'matmul-f16' | 'attention' | 'rmsnorm' | 'rope' | 'swiglu' | 'cross-entropy' | 'merge';

export interface StudioKernel {
  id: KernelId;
  description: string;
  backend: 'webgpu';
  parity: () => Promise<KernelParity>;
}

export const STUDIO_KERNELS: StudioKernel[] = [
  { id: 'adamw', description: 'fused AdamW: one dispatch per parameter updates p, m, v in place, clipping folded in', backend: 'webgpu', parity: checkAdamWParity },
  { id: 'grad-norm', description: 'global gradient norm for clipping: up to seven gradients per program, per-thread partial sums, one sum', backend: 'webgpu', parity: checkGradNormParity },
  { id: 'matmul', description: 'linear layers x W^T and both gradient products: 12x8 register blocks, transposes as strides, no barriers', backend: 'webgpu', parity: checkMatmulParity },
  { id: 'matmul-f16', description: 'linear layers with x and W stored as binary16 (two to a 32-bit word, rounded to nearest even on the GPU), f32 gradients and sums; used with precision f16', backend: 'webgpu', parity: checkMatmulHalfParity },
  { id: 'attention', description: 'causal grouped-query attention without the (B, heads, T, T) score matrix, forward and backward', backend: 'webgpu', parity: checkAttentionParity },
  { id: 'rmsnorm', description: 'RMSNorm: one program forward, three backward', backend: 'webgpu', parity: checkRmsNormParity },
  { id: 'rope', description: 'rotary embedding in token-major layout, one program each way', backend: 'webgpu', parity: checkRopeParity },
  { id: 'swiglu', description: 'the gated MLP activation silu(gate) * up: one program forward, two backward', backend: 'webgpu', parity: checkSwigluParity },
  { id: 'cross-entropy', description: 'target log-probabilities from logits without log-softmax or one-hot tensors', backend: 'webgpu', parity: checkTargetLogProbsParity },
  { id: 'merge', description: 'task-vector merges (TIES, DARE, breadcrumbs, ...): exact keep counts by radix select on |τ| and then on the index among equal entries, DARE noise drawn in the kernel, the L1 rescale from one pass and two sums, one pass for trim, sign election and disjoint mean (DELLA: stock ops)', backend: 'webgpu', parity: checkMergeKernelParity },
];

let mode: KernelMode = 'studio';
let precision: KernelPrecision = 'f32';
/** Kernels switched off one by one (to measure each one's share); all on by default. */
let disabled = new Set<KernelId>();

export function setKernelMode(next: KernelMode, off: string[] = [], nextPrecision: KernelPrecision = 'f32'): void {
  if (next !== 'studio' && next !== 'stock') throw new Error(`kernel mode must be 'studio' or 'stock', got ${JSON.stringify(next)}`);
  if (nextPrecision !== 'f32' && nextPrecision !== 'f16') throw new Error(`precision must be 'f32' or 'f16', got ${JSON.stringify(nextPrecision)}`);
  const unknown = off.filter((id) => !STUDIO_KERNELS.some((k) => k.id === id));
  if (unknown.length) throw new Error(`unknown kernel ${unknown.map((u) => JSON.stringify(u)).join(', ')}; kernels are ${STUDIO_KERNELS.map((k) => k.id).join(', ')}`);
  mode = next;
  precision = nextPrecision;
  disabled = new Set(off as KernelId[]);
}

function using(id: KernelId): boolean {
  if (mode !== 'studio' || disabled.has(id) || tf.getBackend() !== 'webgpu') return false;
  // One linear-layer kernel at a time: the precision picks it; switching 'matmul' off gives stock.
  if (id === 'matmul') return precision === 'f32';
  if (id === 'matmul-f16') return precision === 'f16' && !disabled.has('matmul');
  return true;
}

export function kernelStatus(): { mode: KernelMode; precision: KernelPrecision; off: string[]; rowLayout: RowLayout; kernels: { id: string; description: string; active: boolean }[] } {
  return { mode, precision, off: [...disabled], rowLayout: rowLayout(), kernels: STUDIO_KERNELS.map((k) => ({ id: k.id, description: k.description, active: using(k.id) })) };
}

/** The optimizer step training uses now: our fused kernel, or undefined for the stock ops. */
export function activeFusedAdamW(): FusedAdamWStep | undefined {
  return using('adamw') ? fusedAdamWStep : undefined;
}

const ROUTED_KERNELS: ModelKernels = {
  linear: (x, w) => (using('matmul-f16') ? linearKernelHalf(x, w) : using('matmul') ? linearKernel(x, w) : STOCK_KERNELS.linear(x, w)),
  rmsNorm: (x, w, eps) => (using('rmsnorm') ? rmsNormKernel(x, w, eps) : STOCK_KERNELS.rmsNorm(x, w, eps)),
  rope: (x, cos, sin) => (using('rope') ? ropeKernel(x, cos, sin) : STOCK_KERNELS.rope(x, cos, sin)),
  causalAttention: (q, k, v) => (using('attention') ? causalAttentionKernel(q, k, v) : STOCK_KERNELS.causalAttention(q, k, v)),
  swiglu: (gate, up) => (using('swiglu') ? swigluKernel(gate, up) : STOCK_KERNELS.swiglu(gate, up)),
  targetLogProbs: (logits, targets) => (using('cross-entropy') ? targetLogProbsKernel(logits, targets) : STOCK_KERNELS.targetLogProbs(logits, targets)),
};

/** Routes the model's hot paths, the gradient norm and task-vector merges through the switch above (called once when the engine starts). */
export function installStudioKernels(): void {
  setModelKernels(ROUTED_KERNELS);
  setGlobalNorm((tensors) => (using('grad-norm') ? globalNormKernel(tensors) : stockGlobalNorm(tensors)));
  setTaskVectorMerge((cfg, input) => (using('merge') ? taskVectorMergeKernel(cfg, input) : mergeTaskVectors(cfg, input)));
}

/** Every kernel's parity on the active backend (kernels for another backend are skipped). */
export async function checkKernelParity(): Promise<KernelParity[]> {
  const out: KernelParity[] = [];
  for (const k of STUDIO_KERNELS) if (tf.getBackend() === k.backend) out.push(await k.parity());
  return out;
}
