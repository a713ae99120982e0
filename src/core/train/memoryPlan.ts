// The memory planner: before a run starts, what one training step of a config holds (weights,
// gradients, AdamW's moments, the activations of one forward/backward pass with and without
// recompute) and its peak, against the device's limits, and a sentence saying what fits.
// Pure arithmetic over memory.ts's estimates, calibrated on peaks measured on tfjs's tape.
import type { LlamaConfig } from '../model/config';
import { activationFloats, estimateMemory, memoryBudget, size, splitCount } from '../model/memory';
import type { DeviceLimits } from '../model/weights';
import { specOf, validateSettings } from '../params';
import { RECOMPUTE_AUTO_ACTIVATION_BYTES, recomputeActivations, type RecomputeMode } from './recomputeMode';
import { MAX_POSITION, TRAIN_SETTINGS } from './settings';

const F32 = Float32Array.BYTES_PER_ELEMENT;

/**
 * How many times memory.ts's activation estimate tfjs's tape holds at a step's peak. The tape
 * keeps more than the tensors llama.ts names (masks, broadcasts, casts, the intermediates of
 * each op's gradient, and every gradient until the backward pass ends): measured on the CPU
 * backend with tf.profile's peakBytes, base-1m at 8 × 64 held 6.8× the estimate above its weights
 * (recomputeMode.ts) and recompute.test.ts's 8-layer d=32 model 6.4×. memoryPlan.test.ts measures
 * Trainer steps of three shapes, with and without recompute and micro-batches: with 6.5 the plan
 * is 0.90–1.09 of each measured peak (GeGLU's tape holds a little more than SwiGLU's).
 */
export const TAPE_FACTOR = 6.5;

/**
 * The peak of the optimizer update, in float32 copies of the weights: the weights, AdamW's two
 * moments, the gradients and the update's temporaries (adamw.ts's apply computes every
 * parameter's new moments, update and decayed weight inside one tidy, about fifteen tensors of
 * each parameter's size, freed when the update ends). Measured at 20.0 on the CPU backend in two
 * of memoryPlan.test.ts's shapes (6 layers d=32, 4 layers d=64), where it is the step's peak with recompute and micro-batches
 * (the pass then holds less). A fused AdamW kernel (WebGPU) holds fewer: see FUSED_UPDATE_PEAK_WEIGHTS.
 */
export const UPDATE_PEAK_WEIGHTS = 20;

/**
 * The same peak with our fused AdamW kernel (the WebGPU backend with the studio's kernels): it
 * updates weights and both moments in place, so the update holds the weights, the moments and
 * one set of gradients, no temporaries. With UPDATE_PEAK_WEIGHTS there, the plan of a
 * SmolLM2-135M step (2 x 32 tokens in passes of 1, recompute) read 10.8 GB against a measured
 * peak of the pass's own size (weights, two gradient sets, moments, activations).
 */
export const FUSED_UPDATE_PEAK_WEIGHTS = 4;

export interface PlanInput {
  config: LlamaConfig;
  batchSize: number;
  /** Rows of one forward/backward pass; 0 is the whole batch in one pass. */
  microBatch: number;
  seqLen: number;
  recompute: boolean;
  /** The update is our fused AdamW kernel (WebGPU, the studio's kernels); default: tfjs's ops. */
  fusedUpdate?: boolean;
}

export interface StepPeak {
  /** The tape of one pass at its peak. */
  activations: number;
  /** The larger of the pass's peak (weights, gradients, AdamW's moments, its activations) and the update's. */
  peak: number;
  fits: boolean;
}

export interface MemoryPlan {
  parameters: number;
  weights: number;
  /**
   * Gradients alive at the peak: one set, or three with micro-batches: trainer.ts's batchGrads
   * builds the new sum of every gradient before it frees the sum so far and the pass's own (a
   * SmolLM2-135M step at 2 x 32 in passes of 1 on WebGPU peaked at 3599 MB; with two sets the
   * fused plan said 2797 MB, 0.78 of it; with three 3335 MB, 0.93).
   */
  gradients: number;
  /** AdamW's first and second moments. */
  optimizer: number;
  /** The optimizer update's peak (UPDATE_PEAK_WEIGHTS or, fused, FUSED_UPDATE_PEAK_WEIGHTS copies of the weights). */
  update: number;
  /** Rows of one pass. */
  rows: number;
  withRecompute: StepPeak;
  withoutRecompute: StepPeak;
  /** The plan for the recompute setting asked for. */
  chosen: StepPeak;
  budget: { bytes: number; source: string };
  /**
   * The largest single buffer of a pass held whole, and the binding limit it is held against (if
   * the device says one); a buffer the studio splits over the limit counts as its largest part.
   */
  largestBuffer: { name: string; shape: number[]; bytes: number; limit?: { bytes: number; name: string }; fits: boolean };
  /** Buffers over the binding limit that the studio splits (the embedding and head in row shards, the logits in tiles), with the number of parts. */
  split: { name: string; shape: number[]; bytes: number; parts: number; how: 'row shards' | 'tiles' }[];
  /** Everything fits: the chosen step's peak under the budget, and the largest buffer under the limit. */
  fits: boolean;
  verdict: string;
}

/**
 * Floats of one pass's activations with recompute: every decoder layer's input (rows × T × d,
 * kept for the backward pass), one layer's activations at a time (its recomputation under its own
 * tape), and the head's (final norm, logits and softmax), which are not recomputed.
 */
function recomputedActivationFloats(c: LlamaConfig, rows: number, seqLen: number): number {
  const head = activationFloats({ ...c, num_hidden_layers: 0 }, rows, seqLen);
  const layer = (activationFloats(c, rows, seqLen) - head) / c.num_hidden_layers;
  return c.num_hidden_layers * rows * seqLen * c.hidden_size + layer + head;
}

export function planMemory(input: PlanInput, limits: DeviceLimits): MemoryPlan {
  const { config, batchSize, seqLen } = input;
  const rows = input.microBatch > 0 && input.microBatch < batchSize ? input.microBatch : batchSize;
  const estimate = estimateMemory(config, rows, seqLen);
  const weights = estimate.weightsBytes;
  const gradients = (rows < batchSize ? 3 : 1) * weights;
  const optimizer = 2 * weights;
  const budget = memoryBudget(limits);
  const updatePeak = (input.fusedUpdate ? FUSED_UPDATE_PEAK_WEIGHTS : UPDATE_PEAK_WEIGHTS) * weights;
  const step = (floats: number): StepPeak => {
    const activations = TAPE_FACTOR * F32 * floats;
    const peak = Math.max(weights + gradients + optimizer + activations, updatePeak);
    return { activations, peak, fits: peak <= budget.bytes };
  };
  const withRecompute = step(recomputedActivationFloats(config, rows, seqLen));
  const withoutRecompute = step(activationFloats(config, rows, seqLen));
  const chosen = input.recompute ? withRecompute : withoutRecompute;
  // WebGPU requires maxStorageBufferBindingSize <= maxBufferSize, so the binding limit is the one a kernel meets.
  const limit = limits.maxBindingBytes !== undefined
    ? { bytes: limits.maxBindingBytes, name: 'maxStorageBufferBindingSize' }
    : limits.maxBufferBytes !== undefined ? { bytes: limits.maxBufferBytes, name: 'maxBufferSize' } : undefined;
  const parts = estimate.buffers.map((b) => ({ b, parts: limit ? splitCount(b, config, limit.bytes) : 1 }));
  const split = parts.filter((x) => x.parts !== null && x.parts > 1).map(({ b, parts: n }) => ({ name: b.name, shape: b.shape, bytes: b.bytes, parts: n!, how: b.split === 'rows' ? 'row shards' as const : 'tiles' as const }));
  // A split buffer's parts are at most the limit; what remains to compare is every buffer held whole.
  const whole = parts.filter((x) => x.parts === null || x.parts === 1).map((x) => x.b);
  const largest = whole.length ? whole.reduce((m, b) => (b.bytes > m.bytes ? b : m)) : { ...estimate.largestBuffer, bytes: limit!.bytes };
  const largestBuffer = { name: largest.name, shape: largest.shape, bytes: largest.bytes, limit, fits: limit === undefined || largest.bytes <= limit.bytes };
  const plan = { parameters: estimate.parameters, weights, gradients, optimizer, update: updatePeak, rows, withRecompute, withoutRecompute, chosen, budget, largestBuffer, split };
  return { ...plan, fits: chosen.fits && largestBuffer.fits, verdict: verdict(input, plan) };
}

/** "batch 8 × 256 fits with recompute (peak 3.1 GB); without it 9.4 GB does not", and a buffer too large for the GPU. */
function verdict(input: PlanInput, p: Omit<MemoryPlan, 'fits' | 'verdict'>): string {
  const what = `batch ${input.batchSize} × ${input.seqLen}${p.rows < input.batchSize ? ` in passes of ${p.rows}` : ''}`;
  const on = p.withRecompute;
  const off = p.withoutRecompute;
  let memory: string;
  if (off.fits && on.fits) {
    memory = input.recompute
      ? `${what} fits with recompute (peak ${size(on.peak)}); without it ${size(off.peak)} fits too`
      : `${what} fits without recompute (peak ${size(off.peak)}); with it ${size(on.peak)}`;
  } else if (on.fits) {
    memory = `${what} fits with recompute (peak ${size(on.peak)}); without it ${size(off.peak)} does not`;
  } else {
    memory = `${what} does not fit: peak ${size(on.peak)} with recompute, ${size(off.peak)} without, more than ${size(p.budget.bytes)}, ${p.budget.source}`;
  }
  const splits = p.split.length ? `; over the binding limit (${size(p.largestBuffer.limit!.bytes)}, ${p.largestBuffer.limit!.name}), split: ${p.split.map((x) => `${x.name} [${x.shape.join(', ')}] (${size(x.bytes)}) into ${x.parts} ${x.how}`).join(', ')}` : '';
  const b = p.largestBuffer;
  if (b.fits) return memory + splits;
  return `${memory}${splits}; but ${b.name} [${b.shape.join(', ')}] needs one ${size(b.bytes)} GPU buffer, more than this GPU allows (${size(b.limit!.bytes)}, ${b.limit!.name}), so the step does not run here`;
}

/** The training settings a memory plan reads, checked as studio.train checks them (a bound may name an earlier one). */
export const PLAN_SETTINGS = (['batchSize', 'microBatch', 'recompute', 'seqLen'] as const).map((n) => specOf(TRAIN_SETTINGS, n));

export interface PlanSettings {
  batchSize: number;
  /** Rows of one pass; 0 is the whole batch. */
  microBatch: number;
  recompute: RecomputeMode;
  seqLen: number;
}

/** Fills microBatch (0) and recompute ('auto') and checks the four settings; throws naming the bad one and what is allowed. */
export function validatePlanSettings(input: unknown, maxPositionEmbeddings: number): PlanSettings {
  return validateSettings(PLAN_SETTINGS, input, { limits: { [MAX_POSITION.ref]: maxPositionEmbeddings } }, 'planMemory option') as unknown as PlanSettings;
}

export interface TrainingPlan extends MemoryPlan {
  settings: PlanSettings;
  /** What the recompute setting decides for this step ('auto' resolved as the trainer resolves it), and why. */
  recompute: { mode: RecomputeMode; on: boolean; reason: string };
  /** What to change when the step asked for does not fit here; absent when it fits. */
  advice?: string;
}

/**
 * The plan of a training request as the trainer will run it: 'auto' decides recompute by
 * recomputeMode.ts's rule for the rows of one pass, and the plan follows that decision. What the
 * Train and Adapt forms show before Start, and what studio.planMemory returns.
 */
export function planTraining(config: LlamaConfig, settings: PlanSettings, limits: DeviceLimits, options: { fusedUpdate?: boolean } = {}): TrainingPlan {
  const { batchSize, microBatch, seqLen, recompute: mode } = settings;
  const rows = microBatch > 0 && microBatch < batchSize ? microBatch : batchSize;
  const on = recomputeActivations(mode, config, rows, seqLen);
  const plan = planMemory({ config, batchSize, microBatch, seqLen, recompute: on, fusedUpdate: options.fusedUpdate }, limits);
  const advice = planAdvice(plan, mode);
  return { ...plan, settings: { ...settings }, recompute: { mode, on, reason: recomputeReason(mode, on, config, rows, seqLen) }, ...(advice ? { advice } : {}) };
}

function recomputeReason(mode: RecomputeMode, on: boolean, config: LlamaConfig, rows: number, seqLen: number): string {
  if (mode !== 'auto') return `recompute ${mode}, as set`;
  const estimate = F32 * activationFloats(config, rows, seqLen);
  const threshold = `${RECOMPUTE_AUTO_ACTIVATION_BYTES / 2 ** 20} MiB`;
  // The rule reads the activation tensors' own size; the plan's activations are what tfjs's tape
  // holds of them (TAPE_FACTOR times as much), so the sentence names both.
  return `recompute auto: ${on ? 'on' : 'off'}, one pass's activation tensors are estimated at ${size(estimate)} (the tape holds about ${TAPE_FACTOR}× that, ${size(TAPE_FACTOR * estimate)}), ${on ? 'above' : 'not above'} ${threshold}`;
}

/** The step's fixed part: weights, gradients and AdamW's moments, or the update's peak, whichever is larger. */
function fixedPeak(p: MemoryPlan): number {
  return Math.max(p.weights + p.gradients + p.optimizer, p.update);
}

/** What would make a step that does not fit here fit, in words; undefined when it fits. */
function planAdvice(p: MemoryPlan, mode: RecomputeMode): string | undefined {
  if (p.fits) return undefined;
  const out: string[] = [];
  if (!p.largestBuffer.fits) {
    const perRow = p.largestBuffer.name === 'logits' || p.largestBuffer.name === 'attention scores';
    out.push(perRow && p.rows > 1 ? `a smaller micro-batch shrinks ${p.largestBuffer.name} (it holds every row of a pass)` : `${p.largestBuffer.name} is a weight of the model: no batch shape makes it fit on this GPU; use the CPU backend or a narrower model`);
  }
  if (!p.chosen.fits) {
    if (p.chosen === p.withoutRecompute && p.withRecompute.fits) out.push(`recompute is off for this step${mode === 'auto' ? ' (auto)' : ''}; set it to on and the step fits`);
    else if (fixedPeak(p) > p.budget.bytes) out.push(`the weights, gradients and AdamW state alone reach ${size(fixedPeak(p))}, more than ${size(p.budget.bytes)}: no batch shape fits this model here`);
    else if (p.rows > 1) out.push(`a smaller micro-batch (fewer sequences per pass) lowers the activations; the optimizer step stays one over the whole batch`);
    else out.push('a shorter seq len lowers the activations');
  }
  return out.join('; ');
}
