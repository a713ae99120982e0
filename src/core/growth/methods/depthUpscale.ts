// Depth up-scaling (Kim et al. 2023, SOLAR 10.7B): duplicate the n-layer stack, drop the last k
// layers of the first copy and the first k of the second, and concatenate: 2 (n - k) layers.
// Not function-preserving: the seam joins layers that never followed each other, so the loss
// jumps and recovers with continued pretraining.
import type { LlamaConfig } from '../../model/config';
import type { ParamValues } from '../../params';
import { restackLayers } from '../layers';
import type { GrowthMethod } from '../types';

/** New layer i copies parent layer layerMap[i]. */
export function depthUpscaleLayerMap(n: number, k: number): number[] {
  const first = Array.from({ length: n - k }, (_, i) => i);
  const second = Array.from({ length: n - k }, (_, i) => i + k);
  return [...first, ...second];
}

export const depthUpscale: GrowthMethod = {
  id: 'depth_upscale',
  label: 'Depth up-scaling (SOLAR)',
  description: 'Duplicates the layer stack and removes k layers on each side of the seam: 2(n − k) layers. Not function-preserving: expect a loss jump that continued training recovers.',
  paper: { title: 'Kim et al. 2023, SOLAR 10.7B: Scaling Large Language Models with Simple yet Effective Depth Up-Scaling', url: 'https://arxiv.org/abs/2312.15166' },
  functionPreserving: false,
  params: [{ name: 'k', kind: 'int', label: 'layers dropped at the seam (k)', help: 'layers removed from the end of the first copy and from the start of the second; SOLAR drops 8 of 32', default: 0, min: 0 }],

  plan(c: LlamaConfig, p: ParamValues): LlamaConfig {
    const k = p.k as number;
    if (k > c.num_hidden_layers - 1) {
      throw new Error(`depth_upscale: k must be from 0 to ${c.num_hidden_layers - 1} for a model of ${c.num_hidden_layers} layers (k = ${k} leaves no layers)`);
    }
    return { ...c, num_hidden_layers: 2 * (c.num_hidden_layers - k) };
  },

  apply(parent, weights, p) {
    const config = this.plan(parent, p);
    const layerMap = depthUpscaleLayerMap(parent.num_hidden_layers, p.k as number);
    return { config, weights: restackLayers(weights, layerMap), layerMap };
  },
};
