// Block expansion (Wu et al. 2024, LLaMA Pro: Progressive LLaMA with Block Expansion): after
// every group of g layers insert a copy of the group's last block whose attention output
// projection and MLP down projection are zero. Such a block adds nothing to the residual stream,
// so the function is preserved; optionally only the new blocks train, keeping the old knowledge.
import type { LlamaConfig } from '../../model/config';
import { layerPrefix } from '../../model/weights';
import type { ParamValues } from '../../params';
import { restackLayers } from '../layers';
import { zerosLike } from '../tile';
import type { GrowthMethod } from '../types';

/** New layer i copies parent layer map[i]; `inserted` lists the new (identity) layers. */
export function blockExpandLayerMap(n: number, g: number): { map: number[]; inserted: number[] } {
  const map: number[] = [];
  const inserted: number[] = [];
  for (let i = 0; i < n; i++) {
    map.push(i);
    if ((i + 1) % g === 0) {
      inserted.push(map.length);
      map.push(i);
    }
  }
  return { map, inserted };
}

export const blockExpand: GrowthMethod = {
  id: 'block_expand',
  label: 'Block expansion (LLaMA Pro)',
  description: 'Inserts an identity block after every g layers (a copy with o_proj and down_proj set to zero); the function is preserved, and optionally only the new blocks train.',
  paper: { title: 'Wu et al. 2024, LLaMA Pro: Progressive LLaMA with Block Expansion', url: 'https://arxiv.org/abs/2401.02415' },
  functionPreserving: true,
  params: [
    { name: 'every', kind: 'int', label: 'insert after every g layers', help: 'a new block follows each group of g layers; LLaMA Pro uses 4 of 32 (8 new blocks)', default: 1, min: 1 },
    { name: 'trainOnlyNew', kind: 'boolean', label: 'train only the new blocks', help: 'freeze every parent tensor; training then changes only the inserted blocks', default: false },
  ],

  plan(c: LlamaConfig, p: ParamValues): LlamaConfig {
    const g = p.every as number;
    if (g > c.num_hidden_layers) throw new Error(`block_expand: every must be from 1 to ${c.num_hidden_layers} (the model has ${c.num_hidden_layers} layers), got ${g}`);
    return { ...c, num_hidden_layers: c.num_hidden_layers + Math.floor(c.num_hidden_layers / g) };
  },

  apply(parent, weights, p) {
    const config = this.plan(parent, p);
    const { map, inserted } = blockExpandLayerMap(parent.num_hidden_layers, p.every as number);
    const out = restackLayers(weights, map);
    for (const i of inserted) {
      for (const suffix of ['self_attn.o_proj.weight', 'mlp.down_proj.weight']) {
        const name = `${layerPrefix(i)}.${suffix}`;
        out.set(name, zerosLike(out.get(name)!));
      }
    }
    const newLayers = new Set(inserted.map((i) => `${layerPrefix(i)}.`));
    const trainable = p.trainOnlyNew ? [...out.keys()].filter((n) => [...newLayers].some((pre) => n.startsWith(pre))) : undefined;
    return { config, weights: out, trainable, layerMap: map.map((src, i) => (inserted.includes(i) ? -1 : src)) };
  },
};
