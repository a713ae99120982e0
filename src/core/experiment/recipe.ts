// An experiment recipe: one JSON document that says everything a Grow Up and Merge experiment
// does (base model, target languages, scales, FLOP-matched budgets, English replay, merges,
// evaluation, seed). validateRecipe checks an untrusted one and returns it with defaults filled,
// or every problem with its JSON path, so nothing runs on a recipe that would fail halfway.
// The types live here, the checks in validate.ts, the presets in presets.ts, the schema's prose
// in schema.ts; this module is the one to import.
import type { LlamaConfig } from '../model/config';
import type { DeviceLimits } from '../model/weights';
import type { ParamValues } from '../params';
import type { Budget } from './budget';
import type { Problem } from './check';

export type { Budget } from './budget';
export type { Problem } from './check';
export { MAX_SCALE, RECIPE_VERSION, validateRecipe } from './validate';
export { RECIPE_PRESETS, type RecipePreset } from './presets';
export { RECIPE_SCHEMA_DOC } from './schema';

/** Train a fresh model on English (or any corpus) first. */
export interface ScratchBase {
  from: 'scratch';
  /** MODEL_PRESETS id the config started from ('tiny', 'small', 'base-1m', ...); kept for display. */
  preset?: string;
  /** The full model config (preset fields overridden by any given); vocab_size must be the byte tokenizer's 259. */
  config: LlamaConfig;
  /** Corpus id the base learns from; default ENGLISH_CORPUS ('eng-brown'). */
  corpus: string;
  /** Training budget of the base (steps, tokens or FLOPs of this model). */
  budget: Budget;
  /** Sequences per step, 1 to 4096. */
  batchSize: number;
  /** Sequences per forward/backward pass (gradient accumulation), 0 or a divisor of batchSize; default 0: the whole batch. */
  microBatch: number;
  /** Tokens per sequence, 2 to config.max_position_embeddings. */
  seqLen: number;
  /** Peak learning rate, above 0 and at most 1. */
  lr: number;
  /** Share of steps spent warming up linearly, 0 to 0.5; default 0.05. */
  warmupFraction: number;
}

/** Start from a checkpoint the studio already holds (trained, imported or grown). */
export interface CheckpointBase {
  from: 'checkpoint';
  /** Its id (see studio.checkpoints.list()). */
  checkpoint: string;
}

export interface LanguageSpec {
  /** ISO 639-3 code, three lowercase letters ('isl', 'fao', 'ekk', ...); names stages and merge subsets. */
  code: string;
  /** Corpus id of its training and validation text; default: the first corpus of that language. */
  corpus: string;
  /** Overrides adapt.budget for this language. */
  budget?: Budget;
}

export interface AdaptSpec {
  /** Per language, stated for the 1x model; every scale gets the same FLOPs (see plan.ts). */
  budget: Budget;
  batchSize: number;
  /** Sequences per forward/backward pass (gradient accumulation), 0 or a divisor of batchSize; default 0: the whole batch. */
  microBatch: number;
  seqLen: number;
  lr: number;
  /** Share of steps spent warming up, 0 to 0.5; default 0.05. */
  warmupFraction: number;
  /** Share of each batch drawn from replayCorpus, 0 to 0.5; default 0.25. */
  replay: number;
  /** English corpus mixed in and watched for forgetting; default ENGLISH_CORPUS ('eng-brown'). */
  replayCorpus: string;
  /** Evaluations (target and English validation loss) per run besides step 0, 1 to 100; default 5. */
  evalPoints: number;
  /** Validation tokens per watched corpus and evaluation, 64 to 1e6; default 1024. */
  evalTokens: number;
}

export interface MergeSpec {
  /** A merge method id (see studio.mergeMethods()): linear, task_arithmetic, ties, dare_ties, ... */
  method: string;
  /** Language codes of the experts to merge, each one of the recipe's languages, 2 or more. */
  subset: string[];
  /** Scales to merge at (each one of the recipe's scales); default all of them. */
  scales: number[];
  /** The method's global parameters (lambda, normalize, ...), defaults filled. */
  params: ParamValues;
  /** Parameters given to every expert (weight, density, ...), defaults filled. */
  modelParams: ParamValues;
}

export interface EvaluationSpec {
  /** Minimal-pair suite ids; validation loss is measured for every language they cover. */
  suites: string[];
  /** Pairs per suite at most, 1 to 100000; default 200. */
  maxPairs: number;
  /** Validation tokens per model and language for the final loss, 64 to 1e6; default 4096. */
  validationTokens: number;
}

export interface Recipe {
  /** Schema version: 1. */
  version: 1;
  name: string;
  /** Seeds the base model's init, every run's data order, growth noise and DARE; 0 to 4294967295. */
  seed: number;
  base: ScratchBase | CheckpointBase;
  languages: LanguageSpec[];
  /** 1 (the base size) and HyperCloning width factors 2 to 8, ascending; must include 1. */
  scales: number[];
  growth: {
    /** Symmetry-breaking noise of HyperCloning in dB SNR; 0 adds none. */
    noiseSnrDb: number;
  };
  adapt: AdaptSpec;
  merges: MergeSpec[];
  evaluation: EvaluationSpec;
}

export type Named = string | { id: string };

/** What the studio holds, to check a recipe's references against. */
export interface RecipeContext {
  corpora: { id: string; language: string }[];
  /** Checkpoint ids, or manifests: with a config the budgets of a checkpoint base are checked too. */
  checkpoints: (string | { id: string; config?: LlamaConfig })[];
  suites: Named[];
  mergeMethods: Named[];
  /** What the device can hold: each scale's model is checked as createModel and grow will check it. */
  deviceLimits?: DeviceLimits;
}

export type RecipeValidation = { recipe: Recipe } | { problems: Problem[] };
