// The GPU feature's actions: which backend runs, the engine's memory, our kernels (mode, single
// kernels off, precision), parity checks against the CPU reference, profiles and device
// measurements. Arguments are checked here before the engine sees them.
import { type LlamaConfig, MODEL_PRESETS, validateConfig } from '../core/model/config';
import { mergeMethod } from '../core/merge/registry';
import type { MergeParity, MergeParityRun, ParityReport } from '../gpu/parity';
import type { KernelParity } from '../gpu/kernels/parity';
import type { StepProfile } from '../gpu/profile';
import type { DeviceCeilings, MergeThroughput } from '../gpu/microbench';
import type { BackendInfo, BackendName, MemoryInfo, RequestMap } from '../worker/protocol';
import { AUTOTUNE_POLICIES, type AutotunePolicy, type TuneReport } from '../gpu/autotune/tuner';
import { validateTuneShape, MAX_TUNE_DIM } from '../gpu/autotune/table';
import type { KernelTuningStatus } from '../worker/services/gpu';
import type { EngineCache, Services } from './services';
import { useStudio } from './store';
import { BACKEND_NAMES } from '../gpu/types';

export interface GpuActions {
  backend(): Promise<BackendInfo>;
  /**
   * Starts backend `name`. `limits: 'default'` requests the WebGPU device with WebGPU's default
   * limits (128 MiB per binding) instead of the adapter's maxima, as a low-limit adapter has them;
   * `maxBindingBytes` forces a smaller binding limit on any backend (for testing with tiny models).
   * Weights and logits over the limit are split (BackendInfo.bindingLimit says which limit holds).
   */
  setBackend(name: BackendName, options?: { limits?: 'adapter' | 'default'; maxBindingBytes?: number }): Promise<BackendInfo>;
  memory(): Promise<MemoryInfo>;
  /** Loss and gradients of a tiny model on the active backend against the CPU reference. */
  checkBackendParity(config?: unknown, seed?: number): Promise<ParityReport>;
  /**
   * Merges on random experts of a tiny model on the active backend against the CPU reference:
   * every method with its defaults, or `runs` in the order given, on one page (a kernel whose
   * state leaks from one merge into the next shows).
   */
  checkMergeParity(config?: unknown, seed?: number, runs?: unknown): Promise<MergeParity[]>;
  /**
   * Our WebGPU kernels ('studio', the default) or the stock tfjs ops ('stock') for runs started
   * afterwards; `off` switches single kernels off; `precision: 'f16'` stores the linear layers'
   * operands as binary16 on our path (default 'f32'). Without a mode, reports the current state.
   */
  kernels(mode?: 'studio' | 'stock', options?: { off?: string[]; precision?: 'f32' | 'f16' }): Promise<RequestMap['kernels']['result']>;
  /**
   * Times each tuned kernel's candidates (matmul: register-blocked, tiled with workgroup memory,
   * tfjs's; rmsnorm and cross-entropy: their row layouts, 'subgroup' where the device has the
   * feature) on this adapter at `shapes`, or at the shapes of a training pass of `config` with
   * `tokens` tokens (default: the base-1m preset at 512), where the adapter's stored table has
   * no choice yet (all of them with `force`); keeps the fastest that passes parity, per shape
   * bucket, in the worker's IndexedDB.
   */
  tuneKernels(options?: { shapes?: unknown[]; config?: unknown; tokens?: number; seqLen?: number; force?: boolean; reps?: number }): Promise<TuneReport>;
  /**
   * The tuner's stored choices for this adapter and the device's features. `clear: true` forgets
   * the choices (the next tune re-times); `policy` ('auto' | 'on' | 'off') sets whether runs tune
   * their own shapes before they start ('auto': on hardware adapters, passes of at least 1 GFLOP).
   */
  kernelTuning(options?: { clear?: boolean; policy?: AutotunePolicy }): Promise<KernelTuningStatus>;
  /** Each of our kernels against its CPU reference on the active backend. */
  checkKernelParity(): Promise<KernelParity[]>;
  /**
   * Programs (and GPU times, where the adapter can time them) of one training step of `config`;
   * microBatch and recompute as train takes them (default: one pass, recompute 'auto').
   */
  profileTrainingStep(options: { config: unknown; batchSize: number; seqLen: number; microBatch?: number; recompute?: 'auto' | 'on' | 'off' }): Promise<StepProfile>;
  /** One evaluation batch (forward pass, target log-probabilities) of a fresh model, per kernel, with the current kernel mode. */
  profileScoringBatch(options: { config: unknown; batchSize: number; seqLen: number }): Promise<StepProfile>;
  /** Matmul ceiling (GFLOP/s), the model's linear-layer shapes and copy bandwidth (GB/s) of the active backend. */
  measureDevice(options?: { modelShapes?: [number, number, number][] }): Promise<DeviceCeilings>;
  /** One merge of a tensor of `elements` floats with resident inputs, in the current kernel mode: ms and GB/s. */
  measureMerge(options: { method: string; elements?: number; experts?: number; params?: Record<string, unknown> }): Promise<MergeThroughput>;
}

/** A profile's model and batch shape, checked before the engine sees them. */
function profileArgs(options: { config: unknown; batchSize: number; seqLen: number } | undefined): { config: LlamaConfig; batchSize: number; seqLen: number } {
  const config = validateConfig(options?.config);
  const { batchSize, seqLen } = options ?? {};
  if (!Number.isInteger(batchSize) || batchSize! < 1) throw new Error(`batchSize must be a positive integer, got ${JSON.stringify(batchSize)}`);
  if (!Number.isInteger(seqLen) || seqLen! < 2 || seqLen! > config.max_position_embeddings) throw new Error(`seqLen must be an integer from 2 to ${config.max_position_embeddings}, got ${JSON.stringify(seqLen)}`);
  return { config, batchSize: batchSize!, seqLen: seqLen! };
}

/** checkMergeParity's runs: [{method, models?: [{...}], params?: {...}}]; the engine checks the parameters. */
function validateParityRuns(runs: unknown): MergeParityRun[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!Array.isArray(runs) || runs.length === 0) throw new Error('runs must be a non-empty list of {method, models?, params?}');
  runs.forEach((r, i) => {
    if (!isObject(r) || typeof r.method !== 'string') throw new Error(`runs[${i}] must be {method, models?, params?} with a method id`);
    if (r.models !== undefined && (!Array.isArray(r.models) || !r.models.every(isObject))) throw new Error(`runs[${i}].models must be a list of parameter objects, one per expert`);
    if (r.params !== undefined && !isObject(r.params)) throw new Error(`runs[${i}].params must be an object of global parameters`);
  });
  return runs as MergeParityRun[];
}

/** The actions, and startBackend for start-up (the engine forgets its models on a switch). */
export function createGpuActions(s: Services, cache: EngineCache, ready: () => Promise<void>): GpuActions & { startBackend(name: BackendName | 'auto'): Promise<BackendInfo> } {
  async function startBackend(name: BackendName | 'auto', options: { limits?: 'adapter' | 'default'; maxBindingBytes?: number } = {}): Promise<BackendInfo> {
    useStudio.setState({ backend: { starting: true } });
    try {
      const info = await s.engine.call('init', { backend: name, ...options });
      cache.forgetModels();
      useStudio.setState({ backend: { info, starting: false } });
      return info;
    } catch (e) {
      useStudio.setState((st) => ({ backend: { ...st.backend, starting: false, error: (e as Error).message } }));
      throw e;
    }
  }

  return {
    startBackend,
    async backend() {
      await ready().catch(() => undefined);
      const info = useStudio.getState().backend.info;
      if (!info) throw new Error(`no backend is running: ${useStudio.getState().backend.error ?? 'still starting'}`);
      return info;
    },
    async setBackend(name, options = {}) {
      if (!BACKEND_NAMES.includes(name)) throw new Error(`backend must be one of ${BACKEND_NAMES.map((n) => `'${n}'`).join(', ')}, got ${JSON.stringify(name)}`);
      const { limits, maxBindingBytes, ...rest } = options as Record<string, unknown>;
      if (Object.keys(rest).length) throw new Error(`unknown setBackend option(s) ${Object.keys(rest).join(', ')}; allowed: limits, maxBindingBytes`);
      if (limits !== undefined && limits !== 'adapter' && limits !== 'default') throw new Error(`limits must be 'adapter' or 'default', got ${JSON.stringify(limits)}`);
      if (maxBindingBytes !== undefined && (!Number.isInteger(maxBindingBytes) || (maxBindingBytes as number) < 1024)) throw new Error(`maxBindingBytes must be an integer of at least 1024 bytes, got ${JSON.stringify(maxBindingBytes)}`);
      return startBackend(name, { limits: limits as 'adapter' | 'default' | undefined, maxBindingBytes: maxBindingBytes as number | undefined });
    },
    memory: () => s.engine.call('memory', {}),
    async checkBackendParity(config = MODEL_PRESETS[0].config, seed = 0) {
      return s.engine.call('parity', { config: validateConfig(config), seed });
    },
    async kernels(mode, options) {
      if (mode !== undefined && mode !== 'studio' && mode !== 'stock') throw new Error(`mode must be 'studio' or 'stock', got ${JSON.stringify(mode)}`);
      const off = options?.off;
      if (off !== undefined && (!Array.isArray(off) || off.some((k) => typeof k !== 'string'))) throw new Error('options.off must be an array of kernel ids (see kernels().kernels)');
      const precision = options?.precision;
      if (precision !== undefined && precision !== 'f32' && precision !== 'f16') throw new Error(`options.precision must be 'f32' or 'f16', got ${JSON.stringify(precision)}`);
      if (precision !== undefined && mode === undefined) throw new Error("options.precision needs a mode: kernels('studio', { precision })");
      const status = await s.engine.call('kernels', { mode, off, precision });
      // The memory plan's update peak follows whether the fused AdamW runs (state/memoryPlan.ts).
      // The choice, not `active` (which also says whether the backend is WebGPU): it outlives a backend switch.
      useStudio.setState({ fusedAdamw: status.mode === 'studio' && !status.off.includes('adamw') });
      return status;
    },
    checkKernelParity: () => s.engine.call('kernelParity', {}),
    async tuneKernels(options = {}) {
      if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new Error('tuneKernels takes an options object {shapes?, config?, tokens?, seqLen?, force?, reps?}');
      const { shapes, config, tokens, seqLen, force, reps } = options;
      const known = ['shapes', 'config', 'tokens', 'seqLen', 'force', 'reps'];
      const extra = Object.keys(options).filter((k) => !known.includes(k));
      if (extra.length) throw new Error(`tuneKernels: unknown option(s) ${extra.join(', ')}; allowed: ${known.join(', ')}`);
      if (shapes !== undefined && (config !== undefined || tokens !== undefined || seqLen !== undefined)) throw new Error('tuneKernels: give shapes, or config and tokens (and seqLen), not both');
      if (shapes !== undefined && (!Array.isArray(shapes) || shapes.length === 0)) throw new Error('tuneKernels: shapes must be a non-empty list of {kernel, ...sizes}');
      if (tokens !== undefined && (!Number.isInteger(tokens) || tokens < 1 || tokens > MAX_TUNE_DIM)) throw new Error(`tuneKernels: tokens must be an integer from 1 to ${MAX_TUNE_DIM}, got ${JSON.stringify(tokens)}`);
      const passTokens = tokens ?? 512;
      if (seqLen !== undefined && (!Number.isInteger(seqLen) || seqLen < 1 || seqLen > passTokens)) throw new Error(`tuneKernels: seqLen must be an integer from 1 to the ${passTokens} tokens per pass, got ${JSON.stringify(seqLen)}`);
      if (force !== undefined && typeof force !== 'boolean') throw new Error(`tuneKernels: force must be true or false, got ${JSON.stringify(force)}`);
      if (reps !== undefined && (!Number.isInteger(reps) || reps < 1 || reps > 50)) throw new Error(`tuneKernels: reps must be an integer from 1 to 50, got ${JSON.stringify(reps)}`);
      const checked = shapes?.map((x, i) => validateTuneShape(x, `shapes[${i}]`));
      const model = checked ? undefined : validateConfig(config ?? MODEL_PRESETS.find((p) => p.id === 'base-1m')!.config);
      return s.engine.call('tuneKernels', { shapes: checked, config: model, tokens: checked ? undefined : passTokens, seqLen: checked ? undefined : seqLen, force, reps });
    },
    async kernelTuning(options = {}) {
      const { clear, policy } = options;
      if (clear !== undefined && typeof clear !== 'boolean') throw new Error(`kernelTuning: clear must be true or false, got ${JSON.stringify(clear)}`);
      if (policy !== undefined && !AUTOTUNE_POLICIES.includes(policy)) throw new Error(`kernelTuning: policy must be one of ${AUTOTUNE_POLICIES.join(', ')}, got ${JSON.stringify(policy)}`);
      return s.engine.call('kernelTuning', { clear, policy });
    },
    profileTrainingStep: async (options) => {
      const { microBatch, recompute } = options ?? {};
      const step = { ...(microBatch !== undefined ? { microBatch } : {}), ...(recompute !== undefined ? { recompute } : {}) };
      return s.engine.call('profileStep', { ...profileArgs(options), step });
    },
    profileScoringBatch: async (options) => s.engine.call('profileScoring', profileArgs(options)),
    async measureDevice(options) {
      const shapes = options?.modelShapes ?? [];
      if (!Array.isArray(shapes) || shapes.some((x) => !Array.isArray(x) || x.length !== 3 || x.some((d) => !Number.isInteger(d) || d < 1 || d > 65536))) {
        throw new Error('modelShapes must be a list of [tokens, in, out] positive integers up to 65536');
      }
      return s.engine.call('deviceCeilings', { modelShapes: shapes });
    },
    async measureMerge(options) {
      const { method, elements = 1 << 22, experts = 3, params } = options ?? ({} as never);
      mergeMethod(method); // throws naming the methods when unknown
      if (!Number.isInteger(elements) || elements < 1 || elements > 1 << 26) throw new Error(`elements must be an integer from 1 to ${1 << 26}, got ${JSON.stringify(elements)}`);
      if (!Number.isInteger(experts) || experts < 1 || experts > 8) throw new Error(`experts must be an integer from 1 to 8, got ${JSON.stringify(experts)}`);
      return s.engine.call('mergeThroughput', { method, elements, experts, params });
    },
    async checkMergeParity(config = MODEL_PRESETS[0].config, seed = 0, runs?: unknown) {
      return s.engine.call('mergeParity', { config: validateConfig(config), seed, runs: runs === undefined ? undefined : validateParityRuns(runs) });
    },
  };
}
