// Per-kernel profile of one training step (and, through profileKernels, of anything else: a
// merge) on the active backend: how many programs of each
// kind run and, where the adapter has timestamp queries, their GPU time. It shows the next
// bottleneck (npm run bench prints it for the stock path and for ours). Our own raw WebGPU
// dispatches (fused AdamW) bypass tfjs's profiler and are counted apart.
import * as tf from '@tensorflow/tfjs';
import type { LlamaConfig } from '../core/model/config';
import { initialWeights } from '../core/model/init';
import type { FusedAdamWStep } from '../core/train/adamw';
import type { Kernels } from '../core/kernels';
import { Trainer } from '../core/train/trainer';
import { validateTrainSettings } from '../core/train/settings';
import type { RecomputeMode } from '../core/train/recomputeMode';
import { MixtureSampler } from '../core/data/sampler';
import { evaluationWindows, type TokenizedText } from '../core/data/tokens';
import { mulberry32 } from '../core/rng';
import { rowLogProbs } from '../core/eval/score';

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
  /** Bytes of all live tensors at the profiled work's peak (what was resident before included). */
  peakBytes: number;
  /** The work's own peak: peakBytes less the bytes resident when it started. */
  addedPeakBytes: number;
  kernels: KernelTime[];
}

/** Runs `f` under tfjs's profiler: programs by name, with GPU times where the adapter has them. */
export async function profileKernels(f: () => Promise<void>): Promise<{ timed: boolean; programs: number; wallMs: number; peakBytes: number; addedPeakBytes: number; kernels: KernelTime[] }> {
  const startBytes = tf.memory().numBytes;
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
  return { timed, programs: info.kernels.length, wallMs, peakBytes: info.peakBytes, addedPeakBytes: Math.max(0, info.peakBytes - startBytes), kernels };
}

/** Random token ids in `lines` lines of `length`, so every window is a full one. */
function randomText(vocab: number, lines: number, length: number): TokenizedText {
  const rand = mulberry32(7);
  return {
    ids: Int32Array.from({ length: lines * length }, () => Math.floor(rand() * vocab)),
    lineStarts: Int32Array.from({ length: lines }, (_, i) => i * length),
  };
}

/** A profiled step's memory settings, as training takes them (settings.ts: microBatch, recompute). */
export interface ProfileStepSettings {
  microBatch?: number;
  recompute?: RecomputeMode;
}

/**
 * Profiles one step of the real Trainer (batch, loss, gradients, clipping, AdamW) on random
 * tokens, after a first step that compiles the shaders; `step` as a run would be asked
 * (micro-batches, recompute), checked as training checks them.
 */
export async function profileTrainingStep(config: LlamaConfig, batchSize: number, seqLen: number, kernels: Kernels, step: ProfileStepSettings = {}): Promise<StepProfile> {
  const settings = validateTrainSettings({ from: 'profile', data: [{ corpus: 'profile', weight: 1 }], steps: 2, batchSize, seqLen, lr: 1e-3, clip: 1, ...step }, { corpusIds: ['profile'], maxPositionEmbeddings: config.max_position_embeddings });
  const params = Object.fromEntries([...initialWeights(config, 1)].map(([n, w]) => [n, tf.tensor(w.data, w.shape)]));
  const text = randomText(config.vocab_size, 4 * batchSize, seqLen + 1);
  const sampler = new MixtureSampler([{ id: 'profile', weight: 1, text }], batchSize, seqLen, 0, 0);
  let customDispatches = 0;
  const fused = kernels.adamW;
  const counted: FusedAdamWStep | undefined = fused && ((items, h, c) => ((customDispatches += items.length), fused(items, h, c)));
  const trainer = new Trainer(config, params, settings, sampler, { ...kernels, adamW: counted });
  tf.dispose(Object.values(params));
  try {
    await trainer.runStep(); // compiles the shaders
    customDispatches = 0;
    const profile = await profileKernels(async () => void (await trainer.runStep()));
    return { backend: tf.getBackend(), customDispatches, ...profile };
  } finally {
    trainer.dispose();
  }
}

/**
 * Profiles one evaluation batch as minimal-pair scoring and validation run it (forward pass,
 * target log-probabilities, masked row sums: core/eval/score.ts rowLogProbs) on random tokens,
 * after a first batch that compiles the shaders.
 */
export async function profileScoringBatch(config: LlamaConfig, batchSize: number, seqLen: number, kernels: Kernels): Promise<StepProfile> {
  const params = Object.fromEntries([...initialWeights(config, 1)].map(([n, w]) => [n, tf.tensor(w.data, w.shape)]));
  // The validation path's own windows: one per line of seqLen tokens, token 0 standing for BOS.
  const batch = evaluationWindows(randomText(config.vocab_size, batchSize, seqLen), seqLen, batchSize * seqLen, 0);
  const model = { config, params };
  try {
    await rowLogProbs(model, batch, kernels); // compiles the shaders
    const profile = await profileKernels(async () => void (await rowLogProbs(model, batch, kernels)));
    return { backend: tf.getBackend(), customDispatches: 0, ...profile };
  } finally {
    tf.dispose(Object.values(params));
  }
}
