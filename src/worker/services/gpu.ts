// The backend and what runs on it alone: starting a backend, choosing our kernels or tfjs's ops,
// parity checks against the CPU reference, profiles and micro-benchmarks, tensor memory. Every
// handler that measures the GPU or switches backends is `exclusive`: it refuses while a run trains.
import * as tf from '@tensorflow/tfjs';
import type { LlamaConfig } from '../../core/model/config';
import { startBackend, type StartOptions } from '../../gpu/backend';
import type { BackendInfo, BackendName } from '../../gpu/types';
import { checkBackendParity, checkMergeParity, type MergeParity, type MergeParityRun, type ParityReport } from '../../gpu/parity';
import { buildKernels, checkKernelParity, kernelChoice, kernelStatus, kernelTarget, type KernelMode, type KernelPrecision } from '../../gpu/register';
import type { KernelParity } from '../../gpu/kernels/parity';
import { profileScoringBatch, type ProfileStepSettings, profileTrainingStep, type StepProfile } from '../../gpu/profile';
import { measureCeilings, measureMerge, type DeviceCeilings, type MergeThroughput } from '../../gpu/microbench';
import { KernelTuner, type AutotunePolicy, type TuneReport } from '../../gpu/autotune/tuner';
import { modelShapes, type TuneShape, type TuningEntry } from '../../gpu/autotune/table';
import type { DeviceFeatures } from '../../gpu/features';
import { KernelTuningStore } from '../../storage/kernelTuning';
import { idbStore } from '../../storage/kv';
import type { Engine, Handlers } from '../engine';

export interface MemoryInfo {
  numTensors: number;
  numBytes: number;
}

export interface GpuRequests {
  /** Starts a backend; every loaded model is dropped first (see init below). */
  init: { args: { backend: BackendName | 'auto' } & StartOptions; result: BackendInfo };
  /** Chooses our WebGPU kernels or the stock tfjs ops (for runs started afterwards); reports which are active. */
  kernels: { args: { mode?: KernelMode; off?: string[]; precision?: KernelPrecision }; result: ReturnType<typeof kernelStatus> & { tuning: KernelTuningStatus } };
  /** Each of our kernels against its CPU reference on the active backend. */
  kernelParity: { args: Record<string, never>; result: KernelParity[] };
  /** One training step of a fresh model under tfjs's profiler, with the current kernel mode. */
  profileStep: { args: { config: LlamaConfig; batchSize: number; seqLen: number; step?: ProfileStepSettings }; result: StepProfile };
  /** One scoring batch (forward pass and target log-probabilities) of a fresh model under tfjs's profiler. */
  profileScoring: { args: { config: LlamaConfig; batchSize: number; seqLen: number }; result: StepProfile };
  /** Matmul ceiling and copy bandwidth of the active backend (modelShapes: [tokens, in, out] products to time too). */
  deviceCeilings: { args: { modelShapes?: [number, number, number][] }; result: DeviceCeilings };
  /** One merge of a large tensor with resident inputs, in the current kernel mode. */
  mergeThroughput: { args: { method: string; elements: number; experts: number; params?: Record<string, unknown> }; result: MergeThroughput };
  /** The active backend's model forward pass and gradients against the CPU reference (switches backends). */
  parity: { args: { config: LlamaConfig; seed: number }; result: ParityReport };
  /** Every merge method on the active backend against the CPU reference (switches backends). */
  mergeParity: { args: { config: LlamaConfig; seed: number; runs?: MergeParityRun[] }; result: MergeParity[] };
  memory: { args: Record<string, never>; result: MemoryInfo };
  /**
   * Times the tuned kernels' candidates at `shapes` (or the shapes of a training pass of `config`
   * at `tokens` tokens) where the adapter's table has no choice yet (every shape with `force`),
   * keeps the fastest that passes parity, stores the table.
   */
  tuneKernels: { args: { shapes?: TuneShape[]; config?: LlamaConfig; tokens?: number; seqLen?: number; force?: boolean; reps?: number }; result: TuneReport };
  /** The tuner's table for the started adapter (empty on the CPU backend); clears it, sets when runs tune first. */
  kernelTuning: { args: { clear?: boolean; policy?: AutotunePolicy }; result: KernelTuningStatus };
}

export interface KernelTuningStatus {
  adapter?: string;
  policy: AutotunePolicy;
  features: DeviceFeatures;
  entries: TuningEntry[];
}

let tuningStore: KernelTuningStore | undefined;
/** The worker's IndexedDB store of tuning tables, opened on first use (Node tests never reach it). */
const tuningStoreOf = () => (tuningStore ??= new KernelTuningStore(idbStore('kernel-tuning')));

function tuningStatus(engine: Engine): KernelTuningStatus {
  return engine.tuner?.status() ?? { policy: 'off', features: { subgroups: false, shaderF16: false, timestampQuery: false }, entries: [] };
}

/** Rebuilds the engine's Kernels value from its choice and the tuner's table. */
export function rebuildKernels(engine: Engine): void {
  engine.kernels = buildKernels(engine.target, engine.choice, engine.tuner?.loaded);
}

/** Tunes a run's shapes before it starts where the policy says so (runs of `tokens` tokens per pass in sequences of `seqLen`, doing `flops`). */
export async function tuneForRun(engine: Engine, config: LlamaConfig, tokens: number, seqLen: number, flops: number): Promise<void> {
  if (!engine.tuner || engine.choice.mode !== 'studio' || !engine.tuner.wants(flops)) return;
  const report = await engine.tuner.tune(modelShapes(config, tokens, seqLen));
  if (report.entries.some((e) => e.timedNow)) rebuildKernels(engine);
}

export function gpuService(engine: Engine): Handlers<GpuRequests> {
  return {
    // Switching drops every loaded model first: tfjs would otherwise move their data lazily
    // through a synchronous GPU read, which the WebGPU backend answers with zeros.
    init: engine.exclusive('changing the backend', async (a) => {
      for (const id of [...engine.models.keys()]) engine.unloadModel(id);
      const info = await startBackend(a.backend, { limits: a.limits, maxBindingBytes: a.maxBindingBytes });
      engine.target = kernelTarget(info);
      const policy = engine.tuner?.policy;
      engine.tuner = info.name === 'webgpu' ? new KernelTuner(info.adapter ?? 'unknown adapter', tuningStoreOf()) : undefined;
      if (engine.tuner && policy) engine.tuner.policy = policy;
      // The stored choices of this adapter apply from the start: a reload does not re-time.
      await engine.tuner?.current();
      rebuildKernels(engine);
      return info;
    }),

    kernels(a) {
      if (a.mode !== undefined) {
        engine.choice = kernelChoice(a.mode, a.off, a.precision);
        rebuildKernels(engine);
      }
      return { ...kernelStatus(engine.target, engine.choice), tuning: tuningStatus(engine) };
    },

    kernelParity: engine.exclusive('the kernel parity check', () => checkKernelParity(engine.target)),
    profileStep: engine.exclusive('profiling', (a) => profileTrainingStep(a.config, a.batchSize, a.seqLen, engine.kernels, a.step)),
    profileScoring: engine.exclusive('profiling', (a) => profileScoringBatch(a.config, a.batchSize, a.seqLen, engine.kernels)),
    deviceCeilings: engine.exclusive('measuring the device', (a) => measureCeilings(a.modelShapes)),
    mergeThroughput: engine.exclusive('measuring merges', (a) => measureMerge(a.method, a.elements, a.experts, a.params ?? {}, engine.kernels)),
    parity: engine.exclusive('the backend parity check', (a) => checkBackendParity(a.config, engine.kernels, a.seed)),
    mergeParity: engine.exclusive('the merge parity check', (a) => checkMergeParity(a.config, engine.kernels, a.seed, a.runs)),

    tuneKernels: engine.exclusive('tuning kernels', async (a) => {
      const tuner = engine.tuner;
      if (!tuner) throw new Error(`kernel tuning needs the webgpu backend, but tfjs runs on ${engine.target.backend}`);
      const shapes = a.shapes ?? (a.config ? modelShapes(a.config, a.tokens ?? 512, a.seqLen) : []);
      const report = await tuner.tune(shapes, a.force ?? false, a.reps ?? 5);
      rebuildKernels(engine);
      return report;
    }),

    async kernelTuning(a) {
      const tuner = engine.tuner;
      if (!tuner) {
        if (a.policy || a.clear) throw new Error(`kernel tuning needs the webgpu backend, but tfjs runs on ${engine.target.backend}`);
        return tuningStatus(engine);
      }
      if (a.policy) tuner.policy = a.policy;
      if (a.clear) {
        await tuner.clear();
        rebuildKernels(engine);
      }
      await tuner.current();
      return tuningStatus(engine);
    },

    memory() {
      const { numTensors, numBytes } = tf.memory();
      return { numTensors, numBytes };
    },
  };
}
