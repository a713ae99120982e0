// validateRecipe: checks an untrusted recipe against what the studio holds and fills defaults.
// Every problem is collected with its JSON path (unknown keys at any level, a language without a
// corpus, a budget that buys no step at some scale, a merge naming a language the recipe lacks),
// so the whole list is shown before anything runs.
import { MAX_TRAIN_STEPS } from '../train/settings';
import { BYTE_VOCAB_SIZE } from '../tokenizer/byte';
import { type LlamaConfig, MODEL_PRESETS, validateConfig } from '../model/config';
import { checkFitsDevice } from '../model/weights';
import { mergeMethod } from '../merge/registry';
import { validateParams } from '../params';
import { flopsPerStep } from '../train/adapt';
import { at, Checker, type CheckScope } from './check';
import {
  ADAPT_FIELDS, BUDGET_FIELDS, BUDGET_KIND, BUDGET_VALUE, DEFAULT_SCALES, EVALUATION_FIELDS, GROWTH_FIELDS, LANGUAGE_FIELDS, MAX_SCALE, MERGE_FIELDS,
  ROOT_FIELDS, SCALE_FACTOR, SCRATCH_FIELDS,
} from './fields';
import { ENGLISH_AGREEMENT_SUITE, ENGLISH_CORPUS, wordOrderSuite } from '../data/corpusIds';
import { MAX_POSITION } from '../train/settings';
import { type Budget, budgetFlops, scaleConfig, stepsWithin } from './budget';
import type { AdaptSpec, LanguageSpec, MergeSpec, Named, Recipe, RecipeContext, RecipeValidation, ScratchBase } from './recipe';

export const RECIPE_VERSION = 1;
export { MAX_SCALE };

const idOf = (x: Named): string => (typeof x === 'string' ? x : x.id);

const names = (specs: readonly { name: string }[]) => [...new Set(specs.map((s) => s.name))];

const KEYS = {
  root: ['version', 'name', 'seed', 'base', 'languages', 'scales', 'growth', 'adapt', 'merges', 'evaluation'],
  scratch: ['from', 'preset', 'config', 'budget', ...names(SCRATCH_FIELDS)],
  adapt: ['budget', ...names(ADAPT_FIELDS)],
  language: ['code', ...names(LANGUAGE_FIELDS), 'budget'],
  merge: [...names(MERGE_FIELDS), 'subset', 'scales', 'params', 'modelParams'],
  budget: names(BUDGET_FIELDS),
  growth: names(GROWTH_FIELDS),
  evaluation: ['suites', ...names(EVALUATION_FIELDS)],
};

/** The ids and limits the schema's checks see: the studio's corpora, and the model's context length where it is known. */
function scopeOf(ctx: RecipeContext, maxPositionEmbeddings: number | undefined): CheckScope {
  return { ids: { corpus: ctx.corpora.map((x) => x.id) }, limits: { [MAX_POSITION.ref]: maxPositionEmbeddings } };
}

/** For the specs that name no ids and no limits (a budget, a scale, a merge method). */
const NO_SCOPE: CheckScope = { ids: {}, limits: {} };

function budget(c: Checker, path: string, v: unknown): Budget | undefined {
  const o = c.object(path, v, KEYS.budget);
  if (!o) return undefined;
  const kind = c.setting<Budget['kind']>(at(path, 'kind'), BUDGET_KIND, o.kind, NO_SCOPE);
  // The value's rule depends on the kind; an unknown kind is checked as an amount.
  const value = c.setting<number>(at(path, 'value'), kind === 'steps' ? BUDGET_VALUE.steps : BUDGET_VALUE.amount, o.value, NO_SCOPE);
  return kind && value !== undefined ? { kind, value } : undefined;
}

/** Records a problem when `b` buys no whole step of the largest model that must train on it. */
function checkBudget(c: Checker, path: string, b: Budget, config1x: LlamaConfig, scales: { factor: number; config: LlamaConfig }[], batchSize: number, seqLen: number): void {
  const flops = budgetFlops(b, config1x, batchSize, seqLen);
  // The smallest model takes the most steps: the same limit train() applies.
  for (const s of scales) {
    const steps = stepsWithin(flops, flopsPerStep(s.config, batchSize, seqLen));
    if (steps > MAX_TRAIN_STEPS) {
      c.add(path, `buys ${steps.toExponential(3)} training steps of the x${s.factor} model; a run takes at most ${MAX_TRAIN_STEPS.toLocaleString('en')} steps, so give at most ${(MAX_TRAIN_STEPS * flopsPerStep(s.config, batchSize, seqLen)).toExponential(3)} FLOPs`);
      return;
    }
  }
  for (const s of [...scales].reverse()) {
    const perStep = flopsPerStep(s.config, batchSize, seqLen);
    if (stepsWithin(flops, perStep) < 1) {
      c.add(path, `buys no training step of the x${s.factor} model: the budget is ${flops.toExponential(3)} FLOPs, one step (${batchSize} x ${seqLen} tokens) costs ${perStep.toExponential(3)}; give at least that many FLOPs`);
      return;
    }
  }
}

function scratchBase(c: Checker, o: Record<string, unknown>, ctx: RecipeContext): ScratchBase | undefined {
  const p = '$.base';
  const presetIds = MODEL_PRESETS.map((x) => x.id);
  const preset = o.preset === undefined ? undefined : c.oneOf(at(p, 'preset'), o.preset, presetIds, 'a model preset');
  if (o.preset === undefined && o.config === undefined) c.add(at(p, 'config'), `give a config, a preset (${presetIds.join(', ')}) or both`);
  const over = o.config === undefined ? {} : c.object(at(p, 'config'), o.config, Object.keys(MODEL_PRESETS[0].config));
  let config: LlamaConfig | undefined;
  if (over && (o.preset === undefined || preset)) {
    const from = MODEL_PRESETS.find((x) => x.id === preset)?.config ?? {};
    config = c.attempt(at(p, 'config'), () => validateConfig({ ...from, ...over }));
    if (config && config.vocab_size !== BYTE_VOCAB_SIZE) config = c.add(at(at(p, 'config'), 'vocab_size'), `must be ${BYTE_VOCAB_SIZE} (the byte tokenizer's vocabulary); got ${config.vocab_size}`);
  }
  const scope = scopeOf(ctx, config?.max_position_embeddings);
  const [corpusSpec, ...shape] = SCRATCH_FIELDS;
  const corpus = c.setting<string>(at(p, 'corpus'), corpusSpec, o.corpus, scope);
  const b = budget(c, at(p, 'budget'), o.budget);
  const { batchSize, microBatch, seqLen, lr, warmupFraction } = c.settings(p, shape, o, scope) as Partial<Record<'batchSize' | 'microBatch' | 'seqLen' | 'lr' | 'warmupFraction', number>>;
  if (!config || !corpus || !b || !batchSize || microBatch === undefined || !seqLen || lr === undefined || warmupFraction === undefined) return undefined;
  checkBudget(c, at(p, 'budget'), b, config, [{ factor: 1, config }], batchSize, seqLen);
  return { from: 'scratch', ...(preset ? { preset } : {}), config, corpus, budget: b, batchSize, microBatch, seqLen, lr, warmupFraction };
}

/** The languages with their corpora, and every well-formed code (merge subsets are checked against those). */
function languages(c: Checker, v: unknown, ctx: RecipeContext): { specs: LanguageSpec[]; codes: string[] } {
  const list = c.array('$.languages', v, 1, 'target languages') ?? [];
  const out: LanguageSpec[] = [];
  const codes: string[] = [];
  list.forEach((item, i) => {
    const p = at('$.languages', i);
    const o = typeof item === 'string' ? { code: item } : c.object(p, item, KEYS.language);
    const code = o && c.string(at(p, 'code'), o.code, /^[a-z]{3}$/, 'an ISO 639-3 code of three lowercase letters');
    if (!o || !code) return;
    if (codes.includes(code)) return void c.add(p, `language ${code} is listed twice`);
    codes.push(code);
    let corpus: string | undefined;
    if (o.corpus === undefined) {
      corpus = ctx.corpora.find((x) => x.language === code)?.id;
      if (!corpus) return void c.add(p, `no corpus for language ${code}; add one (studio.addCorpus) or name it with "corpus"; languages with a corpus: ${[...new Set(ctx.corpora.map((x) => x.language))].slice(0, 20).join(', ')}`);
    } else {
      const [corpusSpec] = LANGUAGE_FIELDS;
      corpus = c.setting<string>(at(p, 'corpus'), corpusSpec, o.corpus, scopeOf(ctx, undefined));
      const lang = ctx.corpora.find((x) => x.id === corpus)?.language;
      if (corpus && lang !== code && lang !== 'und') corpus = c.add(at(p, 'corpus'), `corpus ${corpus} is in language ${lang}, not ${code}`);
    }
    const b = o.budget === undefined ? undefined : budget(c, at(p, 'budget'), o.budget);
    if (corpus && (o.budget === undefined || b)) out.push({ code, corpus, ...(b ? { budget: b } : {}) });
  });
  return { specs: out, codes };
}

/** The scales with their configs (absent when the base's config is unknown or cannot grow so). */
function scales(c: Checker, v: unknown, base: LlamaConfig | undefined, ctx: RecipeContext): { factor: number; config?: LlamaConfig }[] {
  const list = c.array('$.scales', v ?? [...DEFAULT_SCALES], 1, 'scales') ?? [];
  const out: { factor: number; config?: LlamaConfig }[] = [];
  list.forEach((x, i) => {
    const factor = c.setting<number>(at('$.scales', i), SCALE_FACTOR, x, NO_SCOPE);
    if (factor === undefined) return;
    if (out.some((s) => s.factor === factor)) return void c.add(at('$.scales', i), `scale ${factor} is listed twice`);
    const config = base && c.attempt(at('$.scales', i), () => scaleConfig(base, factor));
    // The same device check the grow stage applies, so a recipe cannot validate what it will refuse.
    if (config && ctx.deviceLimits) c.attempt(at('$.scales', i), () => checkFitsDevice(config, ctx.deviceLimits!, `the x${factor} model`));
    out.push({ factor, config });
  });
  if (list.length && !list.includes(1)) c.add('$.scales', 'must include 1: the base-size runs are what growth is compared with');
  return out.sort((a, b) => a.factor - b.factor);
}

function adaptSpec(c: Checker, v: unknown, ctx: RecipeContext, maxSeq: number | undefined): AdaptSpec | undefined {
  const p = '$.adapt';
  const o = c.object(p, v, KEYS.adapt);
  if (!o) return undefined;
  const spec = { budget: budget(c, at(p, 'budget'), o.budget), ...c.settings(p, ADAPT_FIELDS, o, scopeOf(ctx, maxSeq)) };
  return Object.values(spec).every((x) => x !== undefined) ? (spec as AdaptSpec) : undefined;
}

function mergeSpecs(c: Checker, v: unknown, ctx: RecipeContext, langs: string[], recipeScales: number[] | undefined, seed: number): MergeSpec[] {
  const scaleList = recipeScales ?? [];
  const list = c.array('$.merges', v ?? [], 0, 'merges') ?? [];
  const out: (MergeSpec & { path: string })[] = [];
  list.forEach((item, i) => {
    const p = at('$.merges', i);
    const o = c.object(p, item, KEYS.merge);
    if (!o) return;
    const [methodSpec] = MERGE_FIELDS;
    const id = c.setting<string>(at(p, 'method'), { ...methodSpec, values: ctx.mergeMethods.map(idOf) }, o.method, NO_SCOPE);
    const method = id ? (() => { try { return mergeMethod(id); } catch { return undefined; } })() : undefined;
    const subsetRaw = c.array(at(p, 'subset'), o.subset, method?.expertCount ?? 2, 'language codes of the recipe') ?? [];
    if (method?.expertCount && subsetRaw.length > method.expertCount) c.add(at(p, 'subset'), `${method.id} merges exactly ${method.expertCount} experts; got ${subsetRaw.length}`);
    const subset = subsetRaw.filter((x, j) => {
      if (typeof x !== 'string' || !langs.includes(x)) return c.add(at(at(p, 'subset'), j), `${JSON.stringify(x)} is not a language of this recipe; its languages: ${langs.join(', ')}`) ?? false;
      if (subsetRaw.indexOf(x) !== j) return c.add(at(at(p, 'subset'), j), `${x} is listed twice`) ?? false;
      return true;
    }) as string[];
    const sc = o.scales === undefined ? scaleList : (c.array(at(p, 'scales'), o.scales, 1, 'scales of the recipe') ?? []).filter((x, j) =>
      !recipeScales || recipeScales.includes(x as number) ? true : c.add(at(at(p, 'scales'), j), `${JSON.stringify(x)} is not one of the recipe's scales (${scaleList.join(', ')})`) ?? false) as number[];
    const paramsRaw = o.params === undefined ? {} : c.object(at(p, 'params'), o.params, method?.globalParams.map((s) => s.name) ?? Object.keys(o.params as object));
    const modelRaw = o.modelParams === undefined ? {} : c.object(at(p, 'modelParams'), o.modelParams, method?.modelParams.map((s) => s.name) ?? Object.keys(o.modelParams as object));
    // DARE's drop is seeded: the recipe's seed makes it reproducible unless the merge names its own.
    const seeded = method?.globalParams.some((s) => s.name === 'seed') && paramsRaw?.seed === undefined ? { seed } : {};
    const params = method && paramsRaw && c.attempt(at(p, 'params'), () => validateParams(method.globalParams, { ...paramsRaw, ...seeded }, method.id));
    const modelParams = method && modelRaw && c.attempt(at(p, 'modelParams'), () => validateParams(method.modelParams, modelRaw, method.id));
    if (!method || !params || !modelParams || subset.length !== subsetRaw.length || sc.length !== (o.scales as unknown[] | undefined ?? scaleList).length) return;
    const same = out.find((m) => m.method === method.id && [...m.subset].sort().join() === [...subset].sort().join() && m.scales.some((s) => sc.includes(s)));
    if (same) return void c.add(p, `merges the same languages with ${method.id} at the same scale as ${same.path}`);
    out.push({ method: method.id, subset, scales: sc, params, modelParams, path: p });
  });
  return out.map(({ path: _p, ...m }) => m);
}

/** Checks a recipe from an untrusted source against what the studio holds; lists every problem. */
export function validateRecipe(input: unknown, ctx: RecipeContext): RecipeValidation {
  const c = new Checker();
  const o = c.object('$', input, KEYS.root) ?? {};
  if (o.version !== undefined && o.version !== RECIPE_VERSION) c.add('$.version', `must be ${RECIPE_VERSION} (the only schema version); got ${JSON.stringify(o.version)}`);
  const name = o.name === undefined ? 'Experiment' : c.string('$.name', o.name);
  const [seedSpec] = ROOT_FIELDS;
  const seed = c.setting<number>('$.seed', seedSpec, o.seed, scopeOf(ctx, undefined)) ?? 0;

  const from = (o.base as { from?: unknown } | undefined)?.from;
  const baseRaw = c.object('$.base', o.base, from === 'checkpoint' ? ['from', 'checkpoint'] : KEYS.scratch);
  let base: Recipe['base'] | undefined;
  let baseConfig: LlamaConfig | undefined;
  if (baseRaw?.from === 'checkpoint') {
    const id = c.oneOf('$.base.checkpoint', baseRaw.checkpoint, ctx.checkpoints.map(idOf), 'a checkpoint id');
    const held = ctx.checkpoints.find((x) => idOf(x) === id);
    baseConfig = typeof held === 'object' ? held.config : undefined;
    if (id) base = { from: 'checkpoint', checkpoint: id };
  } else if (baseRaw) {
    if (baseRaw.from !== 'scratch') c.fail('$.base.from', baseRaw.from, `must be 'scratch' or 'checkpoint'`);
    else base = scratchBase(c, baseRaw, ctx);
    baseConfig = base?.from === 'scratch' ? base.config : undefined;
  }

  const { specs: langs, codes } = languages(c, o.languages, ctx);
  const sc = scales(c, o.scales, baseConfig, ctx);
  const gr = o.growth === undefined ? {} : c.object('$.growth', o.growth, KEYS.growth);
  const { noiseSnrDb } = c.settings('$.growth', GROWTH_FIELDS, gr ?? {}, scopeOf(ctx, undefined)) as { noiseSnrDb?: number };
  const adapt = adaptSpec(c, o.adapt, ctx, baseConfig?.max_position_embeddings);
  if (adapt) {
    langs.forEach((l, i) => {
      if (adapt.replay > 0 && l.corpus === adapt.replayCorpus) c.add(at('$.languages', i), `its corpus ${l.corpus} is also the replay corpus; replay must come from another corpus`);
    });
    const configs = sc.flatMap((s) => (s.config ? [{ factor: s.factor, config: s.config }] : []));
    if (baseConfig && configs.length === sc.length) {
      checkBudget(c, '$.adapt.budget', adapt.budget, baseConfig, configs, adapt.batchSize, adapt.seqLen);
      langs.forEach((l, i) => l.budget && checkBudget(c, at(at('$.languages', i), 'budget'), l.budget, baseConfig!, configs, adapt.batchSize, adapt.seqLen));
    }
  }
  // A merge's languages and scales are checked against the recipe's only when those lists are
  // themselves well formed, so one mistake is not reported again at every merge.
  const scalesOk = !c.problems.some((p) => p.path.startsWith('$.scales'));
  const merges = mergeSpecs(c, o.merges, ctx, codes, scalesOk ? sc.map((s) => s.factor) : undefined, seed);

  const ev = o.evaluation === undefined ? {} : c.object('$.evaluation', o.evaluation, KEYS.evaluation);
  const suiteIds = ctx.suites.map(idOf);
  const defaultSuites = [ENGLISH_AGREEMENT_SUITE, wordOrderSuite(adapt?.replayCorpus ?? ENGLISH_CORPUS), ...langs.map((l) => wordOrderSuite(l.corpus))].filter((x) => suiteIds.includes(x));
  const suites = (c.array('$.evaluation.suites', ev?.suites ?? defaultSuites, 1, 'suite ids') ?? [])
    .map((x, i) => c.oneOf(at('$.evaluation.suites', i), x, suiteIds, 'a suite id'));
  const { maxPairs, validationTokens } = c.settings('$.evaluation', EVALUATION_FIELDS, ev ?? {}, scopeOf(ctx, undefined)) as { maxPairs?: number; validationTokens?: number };

  if (c.problems.length || !name || !base || !adapt || noiseSnrDb === undefined || maxPairs === undefined || validationTokens === undefined) {
    return { problems: c.problems.length ? c.problems : [{ path: '$', message: 'the recipe is incomplete' }] };
  }
  const recipe: Recipe = {
    version: RECIPE_VERSION, name, seed, base, languages: langs, scales: sc.map((s) => s.factor), growth: { noiseSnrDb },
    adapt, merges, evaluation: { suites: suites as string[], maxPairs, validationTokens },
  };
  return { recipe };
}
