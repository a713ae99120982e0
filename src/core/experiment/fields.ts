// The recipe's settings as schema entries (core/params.ts), one list per section. The batch
// shape, learning rate, seed and evaluation sizes are training's own entries (TRAIN_SETTINGS,
// ADAPT_SETTINGS), narrowed where a recipe allows less, so a recipe cannot validate a value the
// training stage would refuse. validate.ts checks these; schema.ts documents them.
import { ENGLISH_CORPUS } from '../data/corpusIds';
import { narrowed, specOf, type Spec } from '../params';
import { REPLAY_SPEC } from '../train/adapt';
import { TRAIN_SETTINGS } from '../train/settings';
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
  train('seqLen'),
  train('lr'),
  WARMUP_FRACTION,
] as const satisfies readonly Spec[];

/** `adapt`, besides its budget: continued pretraining of every language at every scale. */
export const ADAPT_FIELDS = [
  train('batchSize'),
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
