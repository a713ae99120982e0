// What a training run is asked to do, checked at the boundary (UI form or window.studio call)
// with messages that name the argument and the allowed values.
import type { ScheduleKind } from './schedule';
import { SCHEDULE_KINDS } from './schedule';

/** The most optimizer steps one run takes; recipes check their budgets against the same limit. */
export const MAX_TRAIN_STEPS = 10_000_000;

export interface DataMixEntry {
  corpus: string;
  weight: number;
}

export interface TrainSettings {
  from: string;
  name: string;
  data: DataMixEntry[];
  steps: number;
  batchSize: number;
  seqLen: number;
  lr: number;
  warmupSteps: number;
  schedule: ScheduleKind;
  /** wsd: share of steps spent decaying linearly to 0. */
  decayFraction: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  /** Global gradient-norm clip; 0 turns clipping off. */
  clip: number;
  seed: number;
  /** Evaluate the watched corpora every this many steps (0: only at the start and the end). */
  evalEvery: number;
  /** Corpora whose validation loss is plotted while training. */
  watch: string[];
  /** Tokens of validation text per watched corpus and evaluation. */
  evalTokens: number;
  /** Minimal-pair suites scored at every evaluation (macro accuracy per suite). */
  evalSuites: string[];
  /** Pairs per suite and evaluation at most, spread over its paradigms (the rest are skipped). */
  evalPairs: number;
  /** Set for continued pretraining on a new language (studio.adapt): what the run was asked. */
  adapt?: AdaptRecord;
  /** Save a resumable checkpoint every this many steps (0: only at the end). */
  checkpointEvery: number;
}

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
  /** Seconds since the run started (excluding pauses). */
  elapsed: number;
  /** Live tensors in the engine after the step; flat across steps when nothing leaks. */
  numTensors: number;
  /** Training FLOPs spent after this step (6N + attention + head per token, see weights.ts). */
  flops: number;
  /** Macro minimal-pair accuracy per evaluated suite, at evaluation steps. */
  pairs?: Record<string, number>;
  /** Validation loss per watched corpus, at evaluation steps. */
  valid?: Record<string, number>;
}

export interface TrainContext {
  corpusIds: string[];
  suiteIds?: string[];
  maxPositionEmbeddings: number;
}

const DEFAULTS = {
  warmupSteps: 0,
  schedule: 'wsd' as ScheduleKind,
  decayFraction: 0.2,
  weightDecay: 0.01,
  beta1: 0.9,
  beta2: 0.95,
  clip: 1,
  seed: 0,
  evalEvery: 0,
  watch: [] as string[],
  evalTokens: 4096,
  evalSuites: [] as string[],
  evalPairs: 256,
  checkpointEvery: 0,
};

const ALLOWED = new Set([
  'from', 'name', 'data', 'steps', 'batchSize', 'seqLen', 'lr', ...Object.keys(DEFAULTS),
]);

function int(raw: Record<string, unknown>, key: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = raw[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new Error(`${key} must be an integer from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ' up'}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function num(raw: Record<string, unknown>, key: string, min: number, max: number, minExclusive = false): number {
  const v = raw[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || (minExclusive ? v <= min : v < min) || v > max) {
    throw new Error(`${key} must be a number ${minExclusive ? '>' : '>='} ${min} and <= ${max}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** Fills defaults and checks every field of a training request. */
export function validateTrainSettings(input: unknown, ctx: TrainContext): TrainSettings {
  if (typeof input !== 'object' || input === null) throw new Error('train options must be an object');
  const given = input as Record<string, unknown>;
  const unknown = Object.keys(given).filter((k) => !ALLOWED.has(k));
  if (unknown.length) throw new Error(`unknown train option(s) ${unknown.join(', ')}; allowed: ${[...ALLOWED].join(', ')}`);
  const raw: Record<string, unknown> = { ...DEFAULTS, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) };
  if (typeof raw.from !== 'string' || !raw.from) throw new Error('from must be the id of a checkpoint to start from');
  const name = raw.name === undefined ? '' : raw.name;
  if (typeof name !== 'string') throw new Error('name must be a string');
  if (!Array.isArray(raw.data) || raw.data.length === 0) {
    throw new Error(`data must be a non-empty list of {corpus, weight}; corpora: ${ctx.corpusIds.slice(0, 12).join(', ')}${ctx.corpusIds.length > 12 ? ', ...' : ''}`);
  }
  const data: DataMixEntry[] = raw.data.map((d: unknown, i: number) => {
    const e = d as Partial<DataMixEntry>;
    if (!e || typeof e.corpus !== 'string' || !ctx.corpusIds.includes(e.corpus)) {
      throw new Error(`data[${i}].corpus ${JSON.stringify(e?.corpus)} is not a known corpus; see studio.corpora()`);
    }
    const weight = e.weight ?? 1;
    if (typeof weight !== 'number' || !(weight > 0) || !Number.isFinite(weight)) {
      throw new Error(`data[${i}].weight must be a positive number, got ${JSON.stringify(e.weight)}`);
    }
    return { corpus: e.corpus, weight };
  });
  const watch = raw.watch;
  if (!Array.isArray(watch) || watch.some((w) => typeof w !== 'string' || !ctx.corpusIds.includes(w))) {
    throw new Error(`watch must be a list of corpus ids; unknown: ${JSON.stringify((Array.isArray(watch) ? watch : [watch]).filter((w) => !ctx.corpusIds.includes(w as string)))}`);
  }
  const evalSuites = raw.evalSuites;
  const suiteIds = ctx.suiteIds ?? [];
  if (!Array.isArray(evalSuites) || evalSuites.some((w) => typeof w !== 'string' || !suiteIds.includes(w))) {
    throw new Error(`evalSuites must be a list of suite ids (see studio.suites()); unknown: ${JSON.stringify((Array.isArray(evalSuites) ? evalSuites : [evalSuites]).filter((w) => !suiteIds.includes(w as string)))}`);
  }
  if (typeof raw.schedule !== 'string' || !SCHEDULE_KINDS.includes(raw.schedule as ScheduleKind)) {
    throw new Error(`schedule must be one of ${SCHEDULE_KINDS.join(', ')}, got ${JSON.stringify(raw.schedule)}`);
  }
  const steps = int(raw, 'steps', 1, MAX_TRAIN_STEPS);
  const s: TrainSettings = {
    from: raw.from,
    name,
    data,
    steps,
    batchSize: int(raw, 'batchSize', 1, 4096),
    seqLen: int(raw, 'seqLen', 2, ctx.maxPositionEmbeddings),
    lr: num(raw, 'lr', 0, 1, true),
    warmupSteps: int(raw, 'warmupSteps', 0, steps),
    schedule: raw.schedule as ScheduleKind,
    decayFraction: num(raw, 'decayFraction', 0, 1),
    weightDecay: num(raw, 'weightDecay', 0, 10),
    beta1: num(raw, 'beta1', 0, 1),
    beta2: num(raw, 'beta2', 0, 1),
    clip: num(raw, 'clip', 0, 1e6),
    seed: int(raw, 'seed', 0, 2 ** 32 - 1),
    evalEvery: int(raw, 'evalEvery', 0),
    watch: watch as string[],
    evalTokens: int(raw, 'evalTokens', 2, 10_000_000),
    evalSuites: evalSuites as string[],
    evalPairs: int(raw, 'evalPairs', 2, 100_000),
    checkpointEvery: int(raw, 'checkpointEvery', 0),
  };
  if (s.beta1 >= 1 || s.beta2 >= 1) throw new Error('beta1 and beta2 must be below 1');
  return s;
}
