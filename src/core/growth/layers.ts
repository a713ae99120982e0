// Rebuilding a layer stack from a map of new layer -> source layer, shared by the methods that
// change depth (SOLAR depth up-scaling, LLaMA-Pro block expansion).
import { layerPrefix } from '../model/weights';
import { copyTensor } from './tile';
import type { HostTensor, WeightMap } from './types';

const LAYER_NAME = /^model\.layers\.(\d+)\.(.+)$/;

/**
 * New weights where layer i is a copy of parent layer layerMap[i]; non-layer tensors are copied
 * as they are. Returns the new map with tensors in the order of the parent's names.
 */
export function restackLayers(weights: WeightMap, layerMap: number[]): WeightMap {
  const byLayer = new Map<number, [string, HostTensor][]>();
  const out: WeightMap = new Map();
  for (const [name, t] of weights) {
    const m = LAYER_NAME.exec(name);
    if (!m) continue;
    const i = Number(m[1]);
    if (!byLayer.has(i)) byLayer.set(i, []);
    byLayer.get(i)!.push([m[2], t]);
  }
  const embed = weights.get('model.embed_tokens.weight');
  if (embed) out.set('model.embed_tokens.weight', copyTensor(embed));
  layerMap.forEach((src, i) => {
    const layer = byLayer.get(src);
    if (!layer) throw new Error(`layer ${src} does not exist in the parent`);
    for (const [suffix, t] of layer) out.set(`${layerPrefix(i)}.${suffix}`, copyTensor(t));
  });
  for (const [name, t] of weights) if (!LAYER_NAME.test(name) && !out.has(name)) out.set(name, copyTensor(t));
  return out;
}
