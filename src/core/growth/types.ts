// The contract every growth method fulfils: a parameter schema, a plan (the grown config,
// checked against the parent before anything runs) and the weight transformation itself, on
// plain Float32Arrays keyed by Hugging Face names so it runs anywhere and is easy to test.
import type { LlamaConfig } from '../model/config';
import type { ParamSpec, ParamValues } from '../params';

export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

export type WeightMap = Map<string, HostTensor>;

export interface GrowthResult {
  config: LlamaConfig;
  weights: WeightMap;
  /** Names training may change; absent means all (block expansion can freeze the old blocks). */
  trainable?: string[];
  /** For methods that rearrange layers: new layer i is built from parent layer layerMap[i] (-1: new). */
  layerMap?: number[];
}

export interface GrowthMethod {
  id: string;
  label: string;
  description: string;
  paper: { title: string; url: string };
  /** True when the grown model computes exactly the parent's function (up to float rounding). */
  functionPreserving: boolean;
  params: ParamSpec[];
  /** The grown config; throws naming the parameter when the parent cannot be grown so. */
  plan(parent: LlamaConfig, params: ParamValues): LlamaConfig;
  apply(parent: LlamaConfig, weights: WeightMap, params: ParamValues): GrowthResult;
}
