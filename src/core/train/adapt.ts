// Continued pretraining on a new language, as settings: the target corpus mixed with a replay
// share of the source language, a budget in steps, tokens or FLOPs turned into steps, and the
// curves that matter: target gain and source forgetting, both against the parent's values
// (the run's step-0 evaluation). ADAPT_SETTINGS declares the settings of studio.adapt; the batch
// shape and evaluation settings are training's own entries, so they carry training's limits.
import type { LlamaConfig } from '../model/config';
import { trainingFlopsPerToken } from '../model/weights';
import { ENGLISH_CORPUS, ICELANDIC_CORPUS } from '../data/corpusIds';
import { checkSetting, narrowed, specOf, type Spec } from '../params';
import { type AdaptRecord, type DataMixEntry, type MetricPoint, TRAIN_SETTINGS, type TrainContext, trainSchemaContext } from './settings';

const train = <N extends (typeof TRAIN_SETTINGS)[number]['name']>(name: N) => specOf(TRAIN_SETTINGS, name);

/** Share of each batch from the replay corpus: at most half, so the target stays the majority. */
export const REPLAY_SPEC = {
  name: 'replay', kind: 'number', default: 0, min: 0, max: 0.5, label: 'English replay',
  help: 'share of each batch drawn from English (Brown), to reduce forgetting',
} as const satisfies Spec;

export const MAX_REPLAY = REPLAY_SPEC.max;

/**
 * The settings of studio.adapt besides its budget (exactly one of steps, tokens, flops; see
 * budgetOf) and the training settings it passes through. `formDefault`: the Adapt form's start,
 * a short run that shows forgetting on a tiny model within a couple of minutes; a setting with
 * a default may be left empty in the form.
 */
export const ADAPT_SETTINGS = [
  { name: 'target', kind: 'ref', ref: 'corpus', label: 'target language', help: 'the corpus of the language to adapt to', formDefault: ICELANDIC_CORPUS },
  REPLAY_SPEC,
  { name: 'replayCorpus', kind: 'ref', ref: 'corpus', default: ENGLISH_CORPUS, label: 'replay corpus', help: 'the corpus mixed in and watched for forgetting', form: false },
  train('batchSize'),
  train('microBatch'),
  train('recompute'),
  train('seqLen'),
  train('lr'),
  narrowed(train('warmupSteps'), { formDefault: 5 }),
  narrowed(train('evalEvery'), { help: 'steps between evaluations of gain, forgetting and grammar (empty: about a tenth of the run)', formDefault: null }),
  narrowed(train('evalPairs'), { help: 'minimal pairs per suite and evaluation', form: undefined, formDefault: 64 }),
  narrowed(train('evalTokens'), { help: 'validation tokens per watched corpus and evaluation (fewer: faster evaluations)', formDefault: 1024 }),
] as const satisfies readonly Spec[];

export type BudgetKind = AdaptRecord['budget']['kind'];

export interface AdaptBudget {
  kind: BudgetKind;
  value: number;
}

export interface AdaptPlan {
  target: string;
  replay: number;
  replayCorpus: string;
  data: DataMixEntry[];
  budget: AdaptBudget;
  batchSize: number;
  seqLen: number;
  steps: number;
}

/**
 * The adaptation-specific part of a studio.adapt request, checked against ADAPT_SETTINGS (the
 * batch shape against training's own entries, so seqLen has one limit: the model's context):
 * target and replay corpus, the replay mix, the budget and the steps it buys.
 */
export function planAdapt(options: Record<string, unknown>, ctx: TrainContext, config: LlamaConfig): AdaptPlan {
  const sc = trainSchemaContext(ctx);
  const spec = <N extends (typeof ADAPT_SETTINGS)[number]['name']>(name: N) => specOf(ADAPT_SETTINGS, name);
  const target = checkSetting(spec('target'), options.target, sc) as string;
  const replayCorpus = checkSetting(spec('replayCorpus'), options.replayCorpus ?? spec('replayCorpus').default, sc) as string;
  const replay = (options.replay ?? REPLAY_SPEC.default) as number;
  const data = adaptMix(target, replayCorpus, replay);
  const budget = budgetOf(options);
  const batchSize = checkSetting(spec('batchSize'), options.batchSize, sc) as number;
  const seqLen = checkSetting(spec('seqLen'), options.seqLen, sc) as number;
  return { target, replay, replayCorpus, data, budget, batchSize, seqLen, steps: stepsForBudget(budget, config, batchSize, seqLen) };
}

/** Reads exactly one of steps, tokens, flops; throws naming the problem. */
export function budgetOf(o: { steps?: unknown; tokens?: unknown; flops?: unknown }): AdaptBudget {
  const given = (['steps', 'tokens', 'flops'] as const).filter((k) => o[k] !== undefined);
  if (given.length !== 1) throw new Error(`give exactly one budget: steps, tokens or flops (got ${given.length ? given.join(' and ') : 'none'})`);
  const kind = given[0];
  const value = o[kind];
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new Error(`${kind} must be a positive number, got ${JSON.stringify(value)}`);
  if (kind === 'steps' && !Number.isInteger(value)) throw new Error(`steps must be a whole number, got ${value}`);
  return { kind, value };
}

/** Training FLOPs of one optimiser step of `config` on batchSize x seqLen tokens. */
export function flopsPerStep(config: LlamaConfig, batchSize: number, seqLen: number): number {
  return trainingFlopsPerToken(config, seqLen) * batchSize * seqLen;
}

/** Steps a budget buys: the last step may overshoot a token or FLOP budget by less than one step. */
export function stepsForBudget(budget: AdaptBudget, config: LlamaConfig, batchSize: number, seqLen: number): number {
  switch (budget.kind) {
    case 'steps':
      return budget.value;
    case 'tokens':
      return Math.max(1, Math.ceil(budget.value / (batchSize * seqLen)));
    case 'flops':
      return Math.max(1, Math.ceil(budget.value / flopsPerStep(config, batchSize, seqLen)));
  }
}

/** The data mix: the target with weight 1 - replay, the replay corpus with weight replay. */
export function adaptMix(target: string, replayCorpus: string, replay: number): DataMixEntry[] {
  if (typeof replay !== 'number' || !Number.isFinite(replay) || replay < REPLAY_SPEC.min || replay > MAX_REPLAY) {
    throw new Error(`replay must be a share from 0 to ${MAX_REPLAY} (0 to ${MAX_REPLAY * 100} % of each batch), got ${JSON.stringify(replay)}`);
  }
  if (replay > 0 && replayCorpus === target) throw new Error(`replayCorpus must differ from the target (${target})`);
  return replay > 0 ? [{ corpus: target, weight: 1 - replay }, { corpus: replayCorpus, weight: replay }] : [{ corpus: target, weight: 1 }];
}

export interface CurvePoint {
  step: number;
  tokens: number;
  flops: number;
  /** Wall-clock seconds since the run started, as the metric point has it. */
  elapsed: number;
  /** Parent's validation loss minus the current one: positive = learnt. */
  gain?: Record<string, number>;
  /** Current validation loss minus the parent's: positive = forgotten. */
  forgetting?: Record<string, number>;
  /** Minimal-pair accuracy per suite. */
  accuracy?: Record<string, number>;
  /** Parent's accuracy minus the current: positive = forgotten grammar. */
  accuracyDrop?: Record<string, number>;
}

/**
 * Gain and forgetting at every evaluation point, against the step-0 evaluation (the parent
 * checkpoint, evaluated once at the start). Corpora in `targets` give gain, the others forgetting.
 */
export function adaptationCurves(metrics: MetricPoint[], targets: string[]): CurvePoint[] {
  const base = metrics.find((m) => m.step === 0 && (m.valid || m.pairs));
  if (!base) return [];
  const out: CurvePoint[] = [];
  for (const m of metrics) {
    if (!m.valid && !m.pairs) continue;
    const p: CurvePoint = { step: m.step, tokens: m.tokens, flops: m.flops, elapsed: m.elapsed };
    for (const [corpus, loss] of Object.entries(m.valid ?? {})) {
      const ref = base.valid?.[corpus];
      if (ref === undefined) continue;
      if (targets.includes(corpus)) (p.gain ??= {})[corpus] = ref - loss;
      else (p.forgetting ??= {})[corpus] = loss - ref;
    }
    for (const [suite, acc] of Object.entries(m.pairs ?? {})) {
      (p.accuracy ??= {})[suite] = acc;
      const ref = base.pairs?.[suite];
      if (ref !== undefined) (p.accuracyDrop ??= {})[suite] = ref - acc;
    }
    out.push(p);
  }
  return out;
}
