// Growth actions behind window.studio: preview a growth (shape, counts, FLOPs), grow a
// checkpoint with the preservation check in the engine, model statistics and FLOP matching.
import type { CheckpointManifest } from '../core/checkpoint/manifest';
import { newId } from '../core/checkpoint/manifest';
import { storedDtype } from '../core/checkpoint/storageDtype';
import { ENGLISH_CORPUS } from '../core/data/corpusIds';
import { flopMatchedTokens, type GrowthPlan, type ModelStats, modelStats, planGrowth, PRESERVATION_TOLERANCE } from '../core/growth/grow';
import { GROWTH_METHODS } from '../core/growth/registry';
import type { GrowthMethod } from '../core/growth/types';
import type { LlamaConfig } from '../core/model/config';
import { countParameters } from '../core/model/weights';
import type { EngineCache, Services } from './services';
import { useStudio } from './store';
import { currentDeviceLimits } from './deviceLimits';
import { checkFitsDevice } from '../core/model/weights';

/** A growth method as the UI and automation see it: everything but the weight transformation. */
export type GrowthMethodInfo = Pick<GrowthMethod, 'id' | 'label' | 'description' | 'paper' | 'functionPreserving' | 'params'>;

export interface GrowthPreview {
  method: string;
  params: Record<string, number | boolean>;
  functionPreserving: boolean;
  config: LlamaConfig;
  before: ModelStats;
  after: ModelStats;
}

export interface GrowthActions {
  growthMethods(): GrowthMethodInfo[];
  growPreview(id: string, request: Record<string, unknown>): Promise<GrowthPreview>;
  /** Grows a checkpoint: {method, ...its params, name?, checkTokens? (validation tokens of the preservation check, default 2048)}. */
  grow(id: string, request: Record<string, unknown>): Promise<string>;
  modelStats(id: string, seqLen?: number): Promise<ModelStats & { config: LlamaConfig }>;
  flopMatchedTokens(smallId: string, bigId: string, tokens: number, seqLen?: number): Promise<number>;
}

const CHECK_SEQ = 64;
/**
 * Validation tokens the grown model is compared on by default; a request's checkTokens sets
 * fewer for a model whose forward pass is slow (a 481M HyperCloning of a 135M model on a
 * software adapter takes minutes per thousand tokens) or more.
 */
const CHECK_TOKENS = 2048;
const MAX_CHECK_TOKENS = 1 << 20;

/** The corpus a model learnt most from: its own run's main corpus, else its nearest ancestor's. */
export function trainingCorpusOf(m: CheckpointManifest, all: CheckpointManifest[], fallback: string): string {
  const byId = new Map(all.map((c) => [c.id, c]));
  let cur: CheckpointManifest | undefined = m;
  for (let hops = 0; cur && hops < 64; hops++) {
    const data = cur.training?.settings.data;
    if (data?.length) return [...data].sort((a, b) => b.weight - a.weight)[0].corpus;
    cur = cur.parents.length === 1 ? byId.get(cur.parents[0]) : undefined;
  }
  return fallback;
}

function preview(plan: GrowthPlan): GrowthPreview {
  return { method: plan.method.id, params: plan.params, functionPreserving: plan.method.functionPreserving, config: plan.config, before: plan.before, after: plan.after };
}

export function createGrowthActions(s: Services, cache: EngineCache, manifest: (id: unknown) => Promise<CheckpointManifest>): GrowthActions {
  function splitRequest(request: Record<string, unknown>): { name?: string; checkTokens: number; rest: Record<string, unknown> } {
    if (typeof request !== 'object' || request === null) throw new Error(`grow needs {method, ...params}; methods: ${GROWTH_METHODS.map((m) => m.id).join(', ')}`);
    const { name, checkTokens = CHECK_TOKENS, ...rest } = request;
    if (name !== undefined && (typeof name !== 'string' || !name.trim())) throw new Error('name must be a non-empty string');
    if (!Number.isInteger(checkTokens) || (checkTokens as number) < 1 || (checkTokens as number) > MAX_CHECK_TOKENS) throw new Error(`checkTokens must be an integer from 1 to ${MAX_CHECK_TOKENS} (validation tokens the preservation check compares), got ${JSON.stringify(checkTokens)}`);
    return { name: name as string | undefined, checkTokens: checkTokens as number, rest };
  }

  return {
    growthMethods: () => GROWTH_METHODS.map(({ id, label, description, paper, functionPreserving, params }) => ({ id, label, description, paper, functionPreserving, params })),

    async growPreview(id, request) {
      const parent = await manifest(id);
      return preview(planGrowth(parent.config, splitRequest(request).rest));
    },

    async grow(id, request) {
      const parent = await manifest(id);
      const { name, checkTokens, rest } = splitRequest(request);
      const plan = planGrowth(parent.config, rest);
      checkFitsDevice(plan.config, await currentDeviceLimits(), `the grown model (${plan.method.id})`);
      const st = useStudio.getState();
      const corpus = st.corpora.find((c) => c.id === trainingCorpusOf(parent, st.checkpoints, ENGLISH_CORPUS)) ?? st.corpora.find((c) => c.id === ENGLISH_CORPUS);
      if (!corpus) throw new Error('no corpus to check the grown model on');
      await cache.ensureModel(parent.id);
      await cache.ensureCorpus(corpus, false);
      const grownId = newId('ckpt');
      const outcome = await s.engine.call('grow', {
        parentId: parent.id,
        grownId,
        method: plan.method.id,
        params: plan.params,
        check: { corpusId: corpus.id, seqLen: Math.min(CHECK_SEQ, parent.config.max_position_embeddings), maxTokens: checkTokens, tolerance: plan.method.functionPreserving ? PRESERVATION_TOLERANCE : null },
      });
      const label = Object.entries(plan.params).map(([k, v]) => `${k}=${v}`).join(' ');
      try {
        const saved = await s.checkpoints.save(
          {
            formatVersion: 1,
            id: grownId,
            name: name?.trim() || `${parent.name} ${plan.method.id} ${label}`,
            createdAt: new Date().toISOString(),
            config: outcome.config,
            tokenizer: parent.tokenizer,
            parents: [parent.id],
            origin: { method: `grow:${plan.method.id}`, params: plan.params },
            growth: { method: plan.method.id, params: plan.params, functionPreserving: plan.method.functionPreserving, layerMap: outcome.layerMap, check: outcome.check },
            parameterCount: countParameters(outcome.config).total,
            trainable: outcome.trainable,
          },
          new Uint8Array(outcome.tensors),
        );
        // Stored rounded (BF16/F16), the engine's F32 copy is not the checkpoint: drop it so the
        // next use loads the stored weights, widened, as every later visit will.
        if (storedDtype(saved) === 'F32') cache.adopt(grownId);
        else await s.engine.call('unloadModel', { modelId: grownId });
        useStudio.setState((x) => ({ checkpoints: [saved, ...x.checkpoints] }));
      } catch (e) {
        await s.engine.call('unloadModel', { modelId: grownId });
        throw e;
      }
      return grownId;
    },

    async modelStats(id, seqLen) {
      const m = await manifest(id);
      const T = seqLen ?? m.config.max_position_embeddings;
      if (!Number.isInteger(T) || T < 1) throw new Error(`seqLen must be a positive integer, got ${JSON.stringify(seqLen)}`);
      return { ...modelStats(m.config, T), config: m.config };
    },

    async flopMatchedTokens(smallId, bigId, tokens, seqLen) {
      const [small, big] = await Promise.all([manifest(smallId), manifest(bigId)]);
      if (typeof tokens !== 'number' || !(tokens > 0) || !Number.isFinite(tokens)) throw new Error(`tokens must be a positive number, got ${JSON.stringify(tokens)}`);
      const T = seqLen ?? Math.min(small.config.max_position_embeddings, big.config.max_position_embeddings);
      return flopMatchedTokens(small.config, big.config, tokens, T);
    },
  };
}
