// The recipe's settings as schema entries (core/params.ts), one list per section. The batch
// shape, learning rate, seed and evaluation sizes are training's own entries (TRAIN_SETTINGS,
// ADAPT_SETTINGS), narrowed where a recipe allows less, so a recipe cannot validate a value the
// training stage would refuse. validate.ts checks these; schema.ts documents them. The rules
// that tie a field to others (scales include 1, a subset names the recipe's languages) are code
// in validate.ts beside the checks of these leaves.
import { ENGLISH_CORPUS } from '../data/corpusIds';
import { MERGE_METHODS } from '../merge/registry';
import { narrowed, specOf, type Spec } from '../params';
import { REPLAY_SPEC } from '../train/adapt';
import { MAX_TRAIN_STEPS, TRAIN_SETTINGS } from '../train/settings';
import { BUDGET_KINDS } from './budget';
import { EVALUATION_SETTINGS } from '../eval/settings';

const evaluation = <N extends (typeof EVALUATION_SETTINGS)[number]['name']>(name: N) => specOf(EVALUATION_SETTINGS, name);
const train = <N extends (typeof TRAIN_SETTINGS)[number]['name']>(name: N) => specOf(TRAIN_SETTINGS, name);

const WARMUP_FRACTION = {
  name: 'warmupFraction', kind: 'number', default: 0.05, min: 0, max: 0.5, label: 'warmup fraction',
  help: 'share of steps spent warming up linearly (warmupSteps of each run)',
} as const satisfies Spec;

/** The top level besides the sections. */
export const ROOT_FIELDS = [
  narrowed(train('seed'), { help: 'base init, data order of every run, growth noise, DARE drops' }),
] as const satisfies readonly Spec[];

/** `base` from scratch, besides preset, config and budget. */
export const SCRATCH_FIELDS = [
  { name: 'corpus', kind: 'ref', ref: 'corpus', default: ENGLISH_CORPUS, label: 'corpus', help: 'the corpus the base learns from' },
  train('batchSize'),
  train('microBatch'),
  train('seqLen'),
  train('lr'),
  WARMUP_FRACTION,
] as const satisfies readonly Spec[];

/** `adapt`, besides its budget: continued pretraining of every language at every scale. */
export const ADAPT_FIELDS = [
  train('batchSize'),
  train('microBatch'),
  train('seqLen'),
  train('lr'),
  WARMUP_FRACTION,
  narrowed(REPLAY_SPEC, { default: 0.25, help: 'share of each batch from the English replay corpus' }),
  { name: 'replayCorpus', kind: 'ref', ref: 'corpus', default: ENGLISH_CORPUS, label: 'replay corpus', help: 'mixed in; its validation loss measures forgetting' },
  { name: 'evalPoints', kind: 'int', default: 5, min: 1, max: 100, label: 'eval points', help: 'evaluations per run besides step 0 (evalEvery of each run)' },
  narrowed(train('evalTokens'), { default: 1024, min: 64, max: 1_000_000 }),
] as const satisfies readonly Spec[];

/** `growth`. */
export const GROWTH_FIELDS = [
  { name: 'noiseSnrDb', kind: 'number', default: 0, min: 0, max: 200, label: 'noise (dB SNR)', help: "HyperCloning's symmetry-breaking noise; 0 = none" },
] as const satisfies readonly Spec[];

/** `evaluation`, besides suites: evaluate()'s own entries with a recipe's default and ceiling. */
export const EVALUATION_FIELDS = [
  narrowed(evaluation('maxPairs'), { default: 200, max: 100_000 }),
  narrowed(evaluation('validationTokens'), { max: 1_000_000, help: 'validation tokens per model and language for the final loss' }),
] as const satisfies readonly Spec[];

/** Largest HyperCloning width factor a recipe may ask for (the hyperclone method's limit). */
export const MAX_SCALE = 8;

/** A budget's kind; its value's rule depends on it (BUDGET_VALUE). */
export const BUDGET_KIND = {
  name: 'kind', kind: 'enum', values: BUDGET_KINDS, label: 'budget kind',
  help: 'steps: optimiser steps of the 1x model; tokens: training tokens of the 1x model; flops: training FLOPs',
} as const satisfies Spec;

/** A budget's value by kind: whole steps up to the step limit train() applies, else a positive amount. */
export const BUDGET_VALUE = {
  steps: { name: 'value', kind: 'int', min: 1, max: MAX_TRAIN_STEPS, label: 'steps', help: 'with kind "steps": optimiser steps of the 1x model' },
  amount: { name: 'value', kind: 'number', min: 0, minExclusive: true, max: 1e21, label: 'amount', help: 'with kind "tokens" or "flops": training tokens of the 1x model, or training FLOPs' },
} as const satisfies Record<string, Spec>;

/** `budget` (of base, adapt and a language): one row per rule. */
export const BUDGET_FIELDS = [BUDGET_KIND, BUDGET_VALUE.steps, BUDGET_VALUE.amount] as const satisfies readonly Spec[];

/** One entry of `scales` (and of a merge's `scales`): a HyperCloning width factor; 1 is the base size. */
export const SCALE_FACTOR = {
  name: 'scales[i]', kind: 'int', min: 1, max: MAX_SCALE, label: 'scale',
  help: '1 = the base size; m > 1 = HyperCloning with width factor m; the list must include 1 and name each scale once',
} as const satisfies Spec;

/** The scales a recipe runs when it names none. */
export const DEFAULT_SCALES = [1, 2] as const;

/** `languages[i]` as an object, besides its budget. The code's pattern is checked in validate.ts (a spec has no pattern rule). */
export const LANGUAGE_FIELDS = [
  { name: 'corpus', kind: 'ref', ref: 'corpus', label: 'corpus', help: 'the corpus of this language the runs learn from' },
] as const satisfies readonly Spec[];

/** `merges[i]`, besides subset, scales, params and modelParams (checked against the recipe and the method). */
export const MERGE_FIELDS = [
  // The studio may offer fewer methods than the registry holds: validate.ts narrows the values to the context's.
  { name: 'method', kind: 'enum', values: MERGE_METHODS.map((m) => m.id), label: 'merge method', help: 'a merge method id (studio.mergeMethods())' },
] as const satisfies readonly Spec[];
