// Parity of the task-vector merge: every configuration of the family (task arithmetic, TIES, DARE
// with and without TIES and with each rescale rule, breadcrumbs with and without TIES, DELLA, slack
// TIES) on random experts, through our kernel on the active backend and through the stock ops on
// tfjs's CPU backend, comparing the merged tensor and the kept-entry mask (DELLA runs the stock
// ops on every backend). Mostly, task vectors are multiples of 1/64, so many entries tie at the
// magnitude thresholds (exactly int(density · n) must survive, the lower indices first, on every
// backend) and sums are exact (no sign election can flip on rounding; DARE densities are powers of
// two for the same reason); continuous cases check the thresholds without ties. Sizes: odd, where
// int(density · n) and ceil differ.
import * as tf from '@tensorflow/tfjs';
import { planMerge, tensorParams } from '../../../core/merge/merge';
import { referenceKernels, type Kernels } from '../../../core/kernels';
import { hashString, mulberry32 } from '../../../core/rng';
import { taskVectorMergeKernel } from './taskVectors';
import type { KernelParity } from '../parity';

export const MERGE_TOLERANCE = 1e-5;

interface MergeCase {
  method: string;
  experts: number;
  n: number;
  models?: Record<string, unknown>[];
  params?: Record<string, unknown>;
  /** Continuous task vectors (no ties) instead of multiples of 1/64. */
  continuous?: boolean;
}

const CASES: MergeCase[] = [
  { method: 'task_arithmetic', experts: 3, n: 4099 },
  { method: 'ties', experts: 3, n: 70_001, models: [{ density: 0.3 }, { density: 0.5, weight: 0.7 }, { density: 1 }] },
  { method: 'ties', experts: 5, n: 4099, params: { normalize: false, lambda: 0.8, rescale: true }, models: Array.from({ length: 5 }, () => ({ density: 0.3 })) },
  { method: 'ties_slack', experts: 3, n: 4099, params: { slack: 0.4 }, models: Array.from({ length: 3 }, () => ({ density: 0.5 })) },
  { method: 'dare_ties', experts: 3, n: 70_001, params: { seed: 7 }, models: [{ density: 0.25 }, { density: 0.5 }, { density: 1 }] },
  { method: 'dare_ties', experts: 3, n: 4099, params: { seed: 7, density_rescale: true, normalize: true }, models: [{ density: 0.25 }, { density: 0.5 }, { density: 1 }] },
  { method: 'dare_linear', experts: 2, n: 4099, params: { seed: 3, rescale: false }, models: [{ density: 0.5 }, { density: 0.25 }] },
  { method: 'dare_linear', experts: 2, n: 4099, params: { seed: 3 }, models: [{ density: 0.5 }, { density: 0.25 }] },
  { method: 'breadcrumbs', experts: 3, n: 4099, models: [{ density: 0.6, gamma: 0.05 }, { density: 0.5, gamma: 0 }, { density: 0.9, gamma: 0.1 }] },
  { method: 'breadcrumbs_ties', experts: 3, n: 4099, models: Array.from({ length: 3 }, () => ({ density: 0.7, gamma: 0.03 })) },
  { method: 'della', experts: 3, n: 4099, params: { seed: 2 }, models: Array.from({ length: 3 }, () => ({ density: 0.5 })) },
  { method: 'ties', experts: 3, n: 70_001, continuous: true, models: Array.from({ length: 3 }, () => ({ density: 0.3 })) },
  { method: 'breadcrumbs', experts: 3, n: 4099, continuous: true, models: Array.from({ length: 3 }, () => ({ density: 0.5, gamma: 0.1 })) },
];

async function runCase(c: MergeCase, data: Float32Array[], kernels: Kernels): Promise<{ merged: Float32Array; kept: Float32Array }> {
  const plan = planMerge({ method: c.method, base: 'base', models: Array.from({ length: c.experts }, (_, i) => ({ id: `m${i}`, ...(c.models?.[i] ?? {}) })), params: c.params });
  let kept: tf.Tensor | undefined;
  const merged = tf.tidy(() => {
    const [base, ...models] = data.map((d) => tf.tensor2d(d, [1, c.n]));
    const input = {
      name: `parity-${c.method}`, base, models, ...tensorParams(plan, 'parity', 0),
      noiseSeed: (i: number) => hashString(`parity#${i}`, (plan.global.seed as number | undefined) ?? 0),
      reportKept: (mask: tf.Tensor) => void (kept = tf.keep(mask)),
    };
    return plan.method.mergeTensor(input, kernels);
  });
  const out = { merged: (await merged.data()) as Float32Array, kept: (await kept!.data()) as Float32Array };
  tf.dispose([merged, kept!]);
  return out;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** The reference with only this kernel swapped in: parity is the same merge run with two Kernels values. */
const withKernel: Kernels = { ...referenceKernels, name: 'cpu-reference + merge kernel', mergeTaskVectors: taskVectorMergeKernel };

export async function checkMergeKernelParity(seed = 0): Promise<KernelParity> {
  const active = tf.getBackend();
  let valueMax = 0;
  let stockMax = 0;
  for (const [k, c] of CASES.entries()) {
    const rand = mulberry32(seed * 7919 + k);
    const draw = (scale: number, step: number) => (c.continuous ? (rand() - 0.5) * scale : Math.round((rand() - 0.5) * scale * step) / step);
    const base = Float32Array.from({ length: c.n }, () => draw(1, 1024));
    const experts = Array.from({ length: c.experts }, () => Float32Array.from(base, (b) => b + draw(0.375, 64)));
    const data = [base, ...experts];
    const ours = await runCase(c, data, withKernel);
    const stock = await runCase(c, data, referenceKernels);
    await tf.setBackend('cpu');
    let reference: Awaited<ReturnType<typeof runCase>>;
    try {
      reference = await runCase(c, data, referenceKernels);
    } finally {
      await tf.setBackend(active);
    }
    // A mask entry that differs counts as a difference of 1: thresholds and draws must be exact.
    valueMax = Math.max(valueMax, maxDiff(ours.merged, reference.merged), maxDiff(ours.kept, reference.kept));
    stockMax = Math.max(stockMax, maxDiff(stock.merged, reference.merged), maxDiff(stock.kept, reference.kept));
  }
  return { kernel: 'merge', backend: active, maxAbsDiff: valueMax, stockMaxAbsDiff: stockMax, valueMaxAbsDiff: valueMax, tolerance: MERGE_TOLERANCE, ok: valueMax <= MERGE_TOLERANCE };
}
