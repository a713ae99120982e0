// Per-kernel profile of one training step on the active backend: how many programs of each
// kind run and, where the adapter has timestamp queries, their GPU time. It shows the next
// bottleneck (npm run bench prints it for the stock path and for ours). Our own raw WebGPU
// dispatches (fused AdamW) bypass tfjs's profiler and are counted apart.
import * as tf from '@tensorflow/tfjs';
import type { LlamaConfig } from '../core/model/config';
import { initialWeights } from '../core/model/init';
import { lossOf } from '../core/model/llama';
import { AdamW, DEFAULT_ADAMW, type FusedAdamWStep } from '../core/train/adamw';
import { clipByGlobalNorm, globalNorm } from '../core/train/clip';
import { mulberry32 } from '../core/rng';

export interface KernelTime {
  name: string;
  count: number;
  /** Summed GPU time, when the backend could time kernels. */
  ms?: number;
}

export interface StepProfile {
  backend: string;
  /** True when kernel times are GPU timestamps; false: only counts (no timestamp-query). */
  timed: boolean;
  /** tfjs programs per step, and our own dispatches outside tfjs. */
  programs: number;
  customDispatches: number;
  wallMs: number;
  peakBytes: number;
  kernels: KernelTime[];
}

/** Runs `f` under tfjs's profiler: programs by name, with GPU times where the adapter has them. */
export async function profileKernels(f: () => Promise<void>): Promise<{ timed: boolean; programs: number; wallMs: number; peakBytes: number; kernels: KernelTime[] }> {
  const t0 = performance.now();
  const info = await tf.profile(f);
  const wallMs = performance.now() - t0;
  const byName = new Map<string, KernelTime>();
  let timed = true;
  for (const k of info.kernels) {
    const t = await k.kernelTimeMs;
    const e = byName.get(k.name) ?? { name: k.name, count: 0, ms: 0 };
    e.count++;
    if (typeof t === 'number') e.ms = (e.ms ?? 0) + t;
    else timed = false;
    byName.set(k.name, e);
  }
  const kernels = [...byName.values()].map((k) => (timed ? k : { name: k.name, count: k.count }));
  kernels.sort((a, b) => (b.ms ?? 0) - (a.ms ?? 0) || b.count - a.count);
  return { timed, programs: info.kernels.length, wallMs, peakBytes: info.peakBytes, kernels };
}

export async function profileTrainingStep(config: LlamaConfig, batchSize: number, seqLen: number, fused: FusedAdamWStep | undefined): Promise<StepProfile> {
  const vars = Object.fromEntries([...initialWeights(config, 1)].map(([n, w]) => [n, tf.variable(tf.tensor(w.data, w.shape), true, `profile-${n}`)]));
  const opt = new AdamW(vars, DEFAULT_ADAMW);
  const rand = mulberry32(7);
  const ids = () => tf.tensor2d(Int32Array.from({ length: batchSize * seqLen }, () => Math.floor(rand() * config.vocab_size)), [batchSize, seqLen], 'int32');
  let customDispatches = 0;
  const counted: FusedAdamWStep | undefined = fused && ((items, h, c) => ((customDispatches += items.length), fused(items, h, c)));
  const step = async () => {
    const loss = tf.tidy(() => {
      const [inputs, targets] = [ids(), ids()];
      const mask = tf.ones([batchSize, seqLen]) as tf.Tensor2D;
      const { value, grads: byVariable } = tf.variableGrads(() => lossOf({ config, params: vars }, inputs, targets, mask), Object.values(vars));
      const grads = Object.fromEntries(Object.entries(vars).map(([n, v]) => [n, byVariable[v.name]]));
      if (counted) opt.applyFused(counted, grads, 1e-3, { norm: globalNorm(grads), maxNorm: 1 });
      else opt.apply(clipByGlobalNorm(grads, 1).grads, 1e-3);
      return value;
    });
    await loss.data();
    loss.dispose();
  };
  try {
    await step(); // compiles the shaders
    customDispatches = 0;
    const profile = await profileKernels(step);
    return { backend: tf.getBackend(), customDispatches, ...profile };
  } finally {
    opt.dispose();
    for (const v of Object.values(vars)) v.dispose();
  }
}
