// studio.planMemory: before a run starts, what one training step of a checkpoint (or of a config
// not yet created) holds and whether it fits this device (core/train/memoryPlan.ts's planTraining,
// against the limits the backend and the browser report). The Train and Adapt forms show the same plan.
import type { CheckpointManifest } from '../core/checkpoint/manifest';
import { validateConfig } from '../core/model/config';
import { PLAN_SETTINGS, planTraining, type TrainingPlan, validatePlanSettings } from '../core/train/memoryPlan';
import { currentDeviceLimits } from './deviceLimits';
import { type StudioState, useStudio } from './store';

/**
 * How the update of a step on this backend runs, for the plan: on WebGPU our fused AdamW (the
 * studio's kernels, the default there) holds no per-parameter temporaries; the stock path, or
 * adamw switched off, and cpu and wasm run tfjs's ops (memoryPlan.ts UPDATE_PEAK_WEIGHTS).
 */
export function planOptionsOf(state: Pick<StudioState, 'backend' | 'fusedAdamw'>): { fusedUpdate: boolean } {
  return { fusedUpdate: state.backend.info?.name === 'webgpu' && state.fusedAdamw !== false };
}

export interface MemoryPlanActions {
  /**
   * The memory plan of a training step: `from` (a checkpoint id) or `config` (a model config),
   * batchSize, seqLen, microBatch (default 0: one pass), recompute ('auto' | 'on' | 'off', default
   * auto). Returns the parts (weights, gradients, AdamW state, activations with and without
   * recompute), the peak, the budget and binding limit it is held against, fits, the verdict
   * sentence and, when it does not fit, advice.
   */
  planMemory(options: unknown): Promise<TrainingPlan>;
}

const ALLOWED = ['from', 'config', ...PLAN_SETTINGS.map((s) => s.name)];

export function createMemoryPlanActions(manifest: (id: unknown) => Promise<CheckpointManifest>, ready: () => Promise<void>): MemoryPlanActions {
  return {
    async planMemory(options) {
      if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new Error('planMemory needs {from | config, batchSize, seqLen, microBatch?, recompute?}');
      const { from, config, ...settings } = options as Record<string, unknown>;
      const unknown = Object.keys(settings).filter((k) => !ALLOWED.includes(k));
      if (unknown.length) throw new Error(`unknown planMemory option(s) ${unknown.join(', ')}; allowed: ${ALLOWED.join(', ')}`);
      if ((from === undefined) === (config === undefined)) throw new Error(`planMemory needs exactly one of from (a checkpoint id, see studio.checkpoints.list()) or config (a model config), got ${from === undefined ? 'neither' : 'both'}`);
      await ready();
      const c = from !== undefined ? (await manifest(from)).config : validateConfig(config);
      return planTraining(c, validatePlanSettings(settings, c.max_position_embeddings), await currentDeviceLimits(), planOptionsOf(useStudio.getState()));
    },
  };
}
