// From a validated recipe to an ordered list of stages with stable ids (base, grow:x2,
// adapt:isl:x1, merge:ties:isl+fao:x2, evaluate), each naming the stages whose checkpoints it
// needs and every parameter it runs with, so the app only executes it. Adapt runs are
// FLOP-matched across scales here. Each stage carries a key, a hash of its parameters and its
// inputs' keys: resumePlan (resume.ts) compares it with the key stored when the stage ran.
import type { LlamaConfig } from '../model/config';
import { formatFlops } from '../numeric/formatFlops';
import { mergeMethod } from '../merge/registry';
import type { ParamValues } from '../params';
import { hashString } from '../rng';
import { flopsPerStep } from '../train/adapt';
import { budgetFlops, scaleConfig, stepsWithin } from './budget';
import type { Recipe } from './recipe';

export { type Held, type Progress, resumePlan, type ResumeState, stageRecord, type StageRecord, type StageStatus } from './resume';

interface StageCommon {
  id: string;
  title: string;
  /** Ids of earlier stages whose checkpoints this one needs. */
  inputs: string[];
  produces: 'checkpoint' | 'evaluation';
  /** Hash of the stage's parameters and its inputs' keys. */
  key: string;
}

/** A training run's parameters; `flops` is what its `steps` really cost. */
export interface PlannedRun {
  config: LlamaConfig;
  steps: number;
  batchSize: number;
  /**
   * Sequences per forward/backward pass where the run accumulates gradients; absent: the whole
   * batch (so a recipe without it keeps its stage keys).
   */
  microBatch?: number;
  seqLen: number;
  lr: number;
  warmupSteps: number;
  seed: number;
  flopsPerStep: number;
  flops: number;
}

export interface BaseStage extends StageCommon {
  kind: 'base';
  /** Set when the recipe starts from a checkpoint: nothing runs, the stage is that checkpoint. */
  checkpoint?: string;
  /** Set when the base is created (with `seed`) and trained on `corpus`. */
  train?: PlannedRun & { corpus: string; preset?: string };
}

export interface GrowStage extends StageCommon {
  kind: 'grow';
  factor: number;
  noiseSnrDb: number;
  seed: number;
  /** The grown config (HyperCloning of the base). */
  config: LlamaConfig;
}

export interface AdaptStage extends StageCommon, PlannedRun {
  kind: 'adapt';
  language: string;
  corpus: string;
  scale: number;
  replay: number;
  replayCorpus: string;
  evalEvery: number;
  evalTokens: number;
  /** The FLOP budget every scale of this language shares; `flops` is within one step below it. */
  budgetFlops: number;
}

export interface MergeStage extends StageCommon {
  kind: 'merge';
  method: string;
  subset: string[];
  scale: number;
  /** Stage of the merge's base model (the English model of this scale); absent for methods without one. */
  base?: string;
  /** Stages of the experts, in subset order. */
  experts: string[];
  params: ParamValues;
  modelParams: ParamValues;
}

export interface EvaluateStage extends StageCommon {
  kind: 'evaluate';
  suites: string[];
  maxPairs: number;
  validationTokens: number;
}

export type Stage = BaseStage | GrowStage | AdaptStage | MergeStage | EvaluateStage;

export interface ExperimentPlan {
  name: string;
  /** In execution order: every stage's inputs come before it. */
  stages: Stage[];
  /** Training FLOPs of every run together (base and adaptations). */
  trainingFlops: number;
}

/** A stage before its key is computed (Omit applied to each member of the union). */
type WithoutKey<T> = T extends unknown ? Omit<T, 'key'> : never;
type Unkeyed = WithoutKey<Stage>;

export const scaleId = (m: number): string => `x${m}`;
const modelStage = (m: number): string => (m === 1 ? 'base' : `grow:${scaleId(m)}`);

/** JSON with object keys sorted, so equal parameters always give the same text. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/** Two 32-bit FNV-1a hashes: collisions between a stage's old and new parameters are negligible. */
function keyOf(stage: Unkeyed, inputKeys: string[]): string {
  const { id: _i, title: _t, ...params } = stage;
  const text = canonical({ params, inputKeys });
  return hashString(text).toString(16).padStart(8, '0') + hashString(text, 0x9e3779b9).toString(16).padStart(8, '0');
}

/** A run's microBatch where it accumulates (0 or absent in older recipes: no field, and the stage keys stay those of before). */
const accumulation = (microBatch: number | undefined) => (microBatch ? { microBatch } : {});

const warmup = (fraction: number, steps: number) => Math.min(steps, Math.round(fraction * steps));

/**
 * The stages of a recipe. `baseConfig` is needed when the recipe starts from a checkpoint (its
 * manifest's config); a scratch base carries its own.
 */
export function planExperiment(recipe: Recipe, baseConfig?: LlamaConfig): ExperimentPlan {
  const b = recipe.base;
  const config1x = b.from === 'scratch' ? b.config : baseConfig;
  if (!config1x) throw new Error(`planning needs the config of the base checkpoint ${b.from === 'checkpoint' ? b.checkpoint : ''}`);
  const stages: Stage[] = [];
  const keys = new Map<string, string>();
  const add = (s: Unkeyed) => {
    const key = keyOf(s, s.inputs.map((i) => keys.get(i)!));
    keys.set(s.id, key);
    stages.push({ ...s, key } as Stage);
  };

  if (b.from === 'checkpoint') {
    add({ id: 'base', kind: 'base', title: `Start from checkpoint ${b.checkpoint}`, inputs: [], produces: 'checkpoint', checkpoint: b.checkpoint });
  } else {
    const perStep = flopsPerStep(b.config, b.batchSize, b.seqLen);
    const steps = stepsWithin(budgetFlops(b.budget, b.config, b.batchSize, b.seqLen), perStep);
    const train = { config: b.config, corpus: b.corpus, ...(b.preset ? { preset: b.preset } : {}), steps, batchSize: b.batchSize, ...accumulation(b.microBatch), seqLen: b.seqLen, lr: b.lr, warmupSteps: warmup(b.warmupFraction, steps), seed: recipe.seed, flopsPerStep: perStep, flops: steps * perStep };
    add({ id: 'base', kind: 'base', title: `Create the base model and train it on ${b.corpus} (${steps} steps, ${formatFlops(train.flops)})`, inputs: [], produces: 'checkpoint', train });
  }
  const configs = new Map(recipe.scales.map((m) => [m, scaleConfig(config1x, m)]));
  for (const m of recipe.scales.filter((x) => x > 1)) {
    add({ id: modelStage(m), kind: 'grow', title: `Grow the base to ${scaleId(m)} width (HyperCloning)`, inputs: ['base'], produces: 'checkpoint', factor: m, noiseSnrDb: recipe.growth.noiseSnrDb, seed: recipe.seed, config: configs.get(m)! });
  }

  // FLOP matching: the budget is fixed once per language (at 1x cost per token); every scale
  // then takes floor(budget / its cost per step) steps, so a grown model, whose step costs about
  // m^2 times more, takes about 1/m^2 as many steps and no run spends more than the budget.
  const a = recipe.adapt;
  for (const lang of recipe.languages) {
    const budget = budgetFlops(lang.budget ?? a.budget, config1x, a.batchSize, a.seqLen);
    for (const m of recipe.scales) {
      const config = configs.get(m)!;
      const perStep = flopsPerStep(config, a.batchSize, a.seqLen);
      const steps = stepsWithin(budget, perStep);
      add({
        id: `adapt:${lang.code}:${scaleId(m)}`, kind: 'adapt', title: `Adapt the ${scaleId(m)} model to ${lang.code} (${steps} steps, ${formatFlops(steps * perStep)})`,
        inputs: [modelStage(m)], produces: 'checkpoint', language: lang.code, corpus: lang.corpus, scale: m, config,
        steps, batchSize: a.batchSize, ...accumulation(a.microBatch), seqLen: a.seqLen, lr: a.lr, warmupSteps: warmup(a.warmupFraction, steps), seed: recipe.seed,
        replay: a.replay, replayCorpus: a.replayCorpus, evalEvery: Math.max(1, Math.floor(steps / a.evalPoints)), evalTokens: a.evalTokens,
        flopsPerStep: perStep, flops: steps * perStep, budgetFlops: budget,
      });
    }
  }

  for (const mg of recipe.merges) {
    const usesBase = mergeMethod(mg.method).base !== 'none';
    for (const m of mg.scales) {
      const experts = mg.subset.map((l) => `adapt:${l}:${scaleId(m)}`);
      const base = usesBase ? modelStage(m) : undefined;
      add({
        id: `merge:${mg.method}:${mg.subset.join('+')}:${scaleId(m)}`, kind: 'merge', title: `Merge ${mg.subset.join(' + ')} at ${scaleId(m)} with ${mg.method}`,
        inputs: [...(base ? [base] : []), ...experts], produces: 'checkpoint', method: mg.method, subset: mg.subset, scale: m,
        ...(base ? { base } : {}), experts, params: mg.params, modelParams: mg.modelParams,
      });
    }
  }

  const models = stages.filter((s) => s.produces === 'checkpoint').map((s) => s.id);
  add({ id: 'evaluate', kind: 'evaluate', title: `Evaluate ${models.length} models on ${recipe.evaluation.suites.length} suites`, inputs: models, produces: 'evaluation', suites: recipe.evaluation.suites, maxPairs: recipe.evaluation.maxPairs, validationTokens: recipe.evaluation.validationTokens });

  const trainingFlops = stages.reduce((sum, s) => sum + (s.kind === 'adapt' ? s.flops : s.kind === 'base' && s.train ? s.train.flops : 0), 0);
  return { name: recipe.name, stages, trainingFlops };
}
