// Growing a model: validate the method's parameters against the parent, plan the grown config
// (shape, parameter counts and FLOPs shown before anything runs), transform the weights and
// check the result against the architecture table. The function-preservation check itself runs
// where the model can be evaluated (the engine), on the parent's validation text.
import type { LlamaConfig } from '../model/config';
import { validateConfig } from '../model/config';
import type { ParameterCounts } from '../model/weights';
import { countParameters, trainingFlopsPerToken, weightSpecs } from '../model/weights';
import type { ParamValues } from '../params';
import { validateParams } from '../params';
import { growthMethod } from './registry';
import type { GrowthMethod, GrowthResult, WeightMap } from './types';

/**
 * Largest per-token log-probability difference (nats) a function-preserving growth may show
 * against its parent. Float32 rounding of the wider sums gives about 1e-6 to 1e-5 on the studio's
 * models (9.5e-7 measured on WebGPU for a trained tiny model x2); a real mistake (a missing 1/m,
 * a misplaced head) gives differences of 0.1 and more.
 */
export const PRESERVATION_TOLERANCE = 1e-4;

export interface ModelStats {
  parameters: ParameterCounts;
  /** Training FLOPs per token at `seqLen` (forward + backward). */
  flopsPerToken: number;
  seqLen: number;
}

export function modelStats(c: LlamaConfig, seqLen = c.max_position_embeddings): ModelStats {
  return { parameters: countParameters(c), flopsPerToken: trainingFlopsPerToken(c, seqLen), seqLen };
}

/**
 * Tokens a grown model may train on for the FLOPs a smaller one spends on `tokens`: the ratio
 * of training FLOPs per token at the same sequence length.
 */
export function flopMatchedTokens(small: LlamaConfig, big: LlamaConfig, tokens: number, seqLen: number): number {
  return Math.floor((tokens * trainingFlopsPerToken(small, seqLen)) / trainingFlopsPerToken(big, seqLen));
}

export interface GrowthPlan {
  method: GrowthMethod;
  params: ParamValues;
  config: LlamaConfig;
  before: ModelStats;
  after: ModelStats;
}

/** Everything about a growth except the weights; throws naming a bad parameter. */
export function planGrowth(parent: LlamaConfig, request: { method?: unknown } & Record<string, unknown>): GrowthPlan {
  const method = growthMethod(request.method);
  const { method: _m, ...rest } = request;
  const params = validateParams(method.params, rest, method.id);
  let config: LlamaConfig;
  try {
    config = validateConfig(method.plan(parent, params));
  } catch (e) {
    const msg = (e as Error).message;
    throw new Error(msg.startsWith(method.id) ? msg : `${method.id}: the grown model would be invalid: ${msg}`);
  }
  return { method, params, config, before: modelStats(parent), after: modelStats(config) };
}

export function growWeights(parent: LlamaConfig, weights: WeightMap, plan: GrowthPlan): GrowthResult {
  const result = plan.method.apply(parent, weights, plan.params);
  for (const s of weightSpecs(result.config)) {
    const t = result.weights.get(s.name);
    if (!t || t.shape.join(',') !== s.shape.join(',')) {
      throw new Error(`${plan.method.id} produced ${t ? `shape [${t.shape}]` : 'no tensor'} for ${s.name}, the grown config needs [${s.shape}]`);
    }
  }
  return result;
}
