// Growing a loaded model into a bigger one (a growth method from core/growth), kept loaded, and
// checking on a corpus that a function-preserving method really preserved the function.
import type { LlamaConfig } from '../../core/model/config';
import type { ParamValues } from '../../core/params';
import * as tf from '@tensorflow/tfjs';
import { encodeParams, readTensors } from '../../core/checkpoint/tensors';
import { placeWeight } from '../../core/model/shards';
import { compareModels, type ModelComparison } from '../../core/eval/compare';
import { growWeights, planGrowth } from '../../core/growth/grow';
import type { Engine, Handlers, LoadedModel } from '../engine';

export interface GrowOutcome {
  /** safetensors of the grown model. */
  tensors: ArrayBuffer;
  config: LlamaConfig;
  trainable?: string[];
  layerMap?: number[];
  check: ModelComparison & { corpusId: string };
}

export interface GrowRequests {
  /**
   * Grows loaded model parentId into a new model grownId (kept loaded) and compares the two on a
   * corpus's validation text; with a tolerance, a larger difference fails and nothing is kept.
   */
  grow: { args: { parentId: string; grownId: string; method: string; params: ParamValues; check: { corpusId: string; seqLen: number; maxTokens: number; tolerance: number | null } }; result: GrowOutcome };
}

export function growService(engine: Engine): Handlers<GrowRequests> {
  return {
    async grow(a) {
      const parent = engine.model(a.parentId);
      const plan = planGrowth(parent.config, { method: a.method, ...a.params });
      const named = await readTensors(parent.params);
      const weights = new Map(named.map((t) => [t.name, { shape: t.shape, data: t.data as Float32Array }]));
      const result = growWeights(parent.config, weights, plan);
      engine.unloadModel(a.grownId);
      const limit = engine.kernels.bindingLimitBytes;
      const params = Object.fromEntries([...result.weights].flatMap(([name, t]) => placeWeight((d, s) => tf.tensor(d, s), name, t.data, t.shape, limit)));
      const grown: LoadedModel = { config: result.config, params, tokenizer: parent.tokenizer };
      engine.models.set(a.grownId, grown);
      const c = a.check;
      const comparison = await compareModels(parent, grown, parent.tokenizer.bos, engine.corpus(c.corpusId, parent).valid, { seqLen: c.seqLen, maxTokens: c.maxTokens }, engine.kernels);
      if (c.tolerance !== null && !(comparison.maxAbsLogProbDiff <= c.tolerance)) {
        engine.unloadModel(a.grownId);
        throw new Error(`${a.method} should preserve the function, but the grown model's per-token log-probabilities differ from the parent's by up to ${comparison.maxAbsLogProbDiff.toExponential(3)} nats on ${c.corpusId} (tolerance ${c.tolerance}); nothing was saved`);
      }
      const tensors = (await encodeParams(grown.params)).buffer as ArrayBuffer;
      return { tensors, config: result.config, trainable: result.trainable, layerMap: result.layerMap, check: { ...comparison, corpusId: c.corpusId } };
    },
  };
}
