// What a training run is asked to do: every setting once, as a schema entry with its default,
// bounds and help (nanoGPT's train.py block, as data). The type, the API's validation, the Train
// form and the recipe documentation all follow from TRAIN_SETTINGS; adding a setting is one entry.
import { type MixEntry, type SchemaContext, type SettingsOf, type Spec, validateSettings } from '../params';
import { ENGLISH_CORPUS } from '../data/corpusIds';
import { SCHEDULE_KINDS } from './schedule';
import { RECOMPUTE_AUTO_ACTIVATION_BYTES, RECOMPUTE_MODES } from './recomputeMode';

/** The most optimizer steps one run takes; recipes check their budgets against the same limit. */
export const MAX_TRAIN_STEPS = 10_000_000;

/** The model's context length, the bound of seqLen (the context gives it per checkpoint). */
export const MAX_POSITION = { ref: 'max_position_embeddings', label: "the model's max_position_embeddings" } as const;

export type DataMixEntry = MixEntry;

/** The batch size as a bound: microBatch is at most it and divides it. */
const BATCH_SIZE = { ref: 'batchSize', label: 'batch size' } as const;

/**
 * Every training setting in the order it is checked (a bound may name an earlier one).
 * `default`: what studio.train fills when the setting is left out (none: required);
 * `formDefault`: the Train form's starting value, a short run that trains a tiny model visibly
 * in a minute.
 */
export const TRAIN_SETTINGS = [
  { name: 'from', kind: 'ref', ref: 'checkpoint', label: 'from', help: 'the checkpoint to start from', form: false },
  { name: 'name', kind: 'string', default: '', label: 'run name', help: 'shown in the runs list (empty: the checkpoint name and the steps)', form: false },
  { name: 'data', kind: 'mix', label: 'data', help: 'the corpora batches are drawn from, with their weights', formDefault: [{ corpus: ENGLISH_CORPUS, weight: 1 }] },
  { name: 'steps', kind: 'int', min: 1, max: MAX_TRAIN_STEPS, label: 'steps', help: 'optimizer steps of the run', formDefault: 200 },
  { name: 'batchSize', kind: 'int', min: 1, max: 4096, label: 'batch size', help: 'sequences per step', formDefault: 8 },
  // Gradient accumulation: the same step as without, with one micro-batch's activations alive at a time.
  { name: 'microBatch', kind: 'int', default: 0, min: 0, max: BATCH_SIZE, divides: BATCH_SIZE, label: 'micro-batch', help: 'sequences per forward/backward pass; the passes\' gradients add up to one optimizer step over the batch (gradient accumulation, for a batch bigger than memory holds); 0: the whole batch in one pass' },
  // Gradient checkpointing: the same step as without, holding one layer's activations at a time (train/recomputeMode.ts).
  { name: 'recompute', kind: 'enum', values: RECOMPUTE_MODES, default: 'auto', label: 'recompute', help: `recompute each decoder layer's activations in the backward pass instead of keeping them (gradient checkpointing): far less memory per step for one more forward pass; auto: on when the activations of a pass are estimated above ${RECOMPUTE_AUTO_ACTIVATION_BYTES / 2 ** 20} MiB` },
  { name: 'seqLen', kind: 'int', min: 2, max: MAX_POSITION, label: 'seq len', help: 'tokens per sequence, at most the model\'s max_position_embeddings', formDefault: 64 },
  { name: 'lr', kind: 'number', min: 0, minExclusive: true, max: 1, label: 'lr', help: 'peak learning rate', formDefault: 0.003 },
  { name: 'warmupSteps', kind: 'int', default: 0, min: 0, max: { ref: 'steps', label: 'steps' }, label: 'warmup steps', help: 'steps of linear warmup to the peak lr', formDefault: 10 },
  { name: 'schedule', kind: 'enum', values: SCHEDULE_KINDS, default: 'wsd', label: 'schedule', help: 'learning-rate schedule after warmup: wsd (constant, then linear decay), cosine or constant' },
  { name: 'decayFraction', kind: 'number', default: 0.2, min: 0, max: 1, label: 'decay fraction', help: 'wsd: share of steps decaying linearly to 0' },
  { name: 'weightDecay', kind: 'number', default: 0.01, min: 0, max: 10, label: 'weight decay', help: 'AdamW decoupled weight decay' },
  { name: 'beta1', kind: 'number', default: 0.9, min: 0, max: 1, maxExclusive: true, label: 'β1', help: 'AdamW first-moment decay, below 1' },
  { name: 'beta2', kind: 'number', default: 0.95, min: 0, max: 1, maxExclusive: true, label: 'β2', help: 'AdamW second-moment decay, below 1' },
  { name: 'clip', kind: 'number', default: 1, min: 0, max: 1e6, label: 'grad clip', help: 'global gradient-norm clip; 0 turns it off' },
  { name: 'seed', kind: 'int', default: 0, min: 0, max: 2 ** 32 - 1, label: 'seed', help: 'seeds the data order' },
  { name: 'evalEvery', kind: 'int', default: 0, min: 0, label: 'eval every', help: 'steps between evaluations of the watched corpora (0: start and end only)', formDefault: 50 },
  { name: 'watch', kind: 'refs', ref: 'corpus', default: [], label: 'watch', help: 'corpora whose validation loss is plotted while training', formDefault: [ENGLISH_CORPUS] },
  { name: 'evalTokens', kind: 'int', default: 4096, min: 2, max: 10_000_000, label: 'eval tokens', help: 'validation tokens per watched corpus and evaluation' },
  { name: 'sampleTokens', kind: 'int', default: 32, min: 0, max: 1024, label: 'sample tokens', help: 'tokens of greedy text written at every evaluation from a fixed prompt per watched corpus (its first words), saved with the run; 0: none' },
  { name: 'evalSuites', kind: 'refs', ref: 'suite', default: [], label: 'eval suites', help: 'minimal-pair suites scored at every evaluation (macro accuracy per suite)', form: false },
  { name: 'evalPairs', kind: 'int', default: 256, min: 2, max: 100_000, label: 'eval pairs', help: 'minimal pairs per suite and evaluation at most, spread over its paradigms', form: false },
  { name: 'checkpointEvery', kind: 'int', default: 0, min: 0, label: 'snapshot every', help: 'steps between resumable snapshots (0: only at the end)', formDefault: 100 },
] as const satisfies readonly Spec[];

export type TrainSettingName = (typeof TRAIN_SETTINGS)[number]['name'];

export type TrainSettings = SettingsOf<typeof TRAIN_SETTINGS> & {
  /** Set for continued pretraining on a new language (studio.adapt): what the run was asked. */
  adapt?: AdaptRecord;
};

export interface AdaptRecord {
  target: string;
  /** Share of each batch's rows drawn from the replay corpus. */
  replay: number;
  replayCorpus: string;
  /** The budget as given; `steps` of the settings is derived from it. */
  budget: { kind: 'steps' | 'tokens' | 'flops'; value: number };
  /** Training FLOPs per step of this model at this batch shape. */
  flopsPerStep: number;
}

export interface MetricPoint {
  step: number;
  /** Training tokens seen after this step (batch x seqLen x step). */
  tokens: number;
  /** Training loss of this step's batch; null on the evaluation-only point at step 0. */
  loss: number | null;
  lr: number;
  gradNorm: number;
  /**
   * Wall-clock seconds from the run's start (the user's request, model loading included) to when
   * this point was complete, its evaluation included; pauses count too (see `paused`). A resumed
   * run continues from its snapshot's elapsed. Records made before this was wall time counted
   * training steps only (no `evalSeconds` or `paused` on their points).
   */
  elapsed: number;
  /** Seconds this point's evaluation took (evaluation points only); part of `elapsed`. */
  evalSeconds?: number;
  /** Seconds paused so far in the run (present once it has paused); part of `elapsed`. */
  paused?: number;
  /** Live tensors in the engine after the step; flat across steps when nothing leaks. */
  numTensors: number;
  /** Training FLOPs spent after this step (6N + attention + head per token, see weights.ts). */
  flops: number;
  /** Macro minimal-pair accuracy per evaluated suite, at evaluation steps. */
  pairs?: Record<string, number>;
  /** Validation loss per watched corpus, at evaluation steps. */
  valid?: Record<string, number>;
  /** What the model writes per watched corpus at evaluation steps (settings.sampleTokens > 0; core/train/samples.ts). */
  samples?: Record<string, RunSample>;
}

/** Greedy text after a corpus's fixed prompt, at one evaluation point. */
export interface RunSample {
  /** The first words of the corpus's validation text; the same at every point of a run. */
  prompt: string;
  /** The continuation (prompt not included). */
  text: string;
}

export interface TrainContext {
  corpusIds: string[];
  suiteIds?: string[];
  maxPositionEmbeddings: number;
}

/** The schema's context for a training request: the ids it may name and the model's context length. */
export function trainSchemaContext(ctx: TrainContext): SchemaContext {
  return { ids: { corpus: ctx.corpusIds, suite: ctx.suiteIds ?? [] }, limits: { [MAX_POSITION.ref]: ctx.maxPositionEmbeddings } };
}

/** Fills defaults and checks every field of a training request against TRAIN_SETTINGS. */
export function validateTrainSettings(input: unknown, ctx: TrainContext): TrainSettings {
  return validateSettings(TRAIN_SETTINGS, input, trainSchemaContext(ctx), 'train option');
}
