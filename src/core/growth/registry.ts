// Every growth method the studio offers, in the order the UI lists them. Adding one = a file in
// methods/ plus a line here (and its test).
import { blockExpand } from './methods/blockExpand';
import { depthUpscale } from './methods/depthUpscale';
import { hyperclone } from './methods/hyperclone';
import type { GrowthMethod } from './types';

export const GROWTH_METHODS: GrowthMethod[] = [hyperclone, depthUpscale, blockExpand];

export function growthMethod(id: unknown): GrowthMethod {
  const m = GROWTH_METHODS.find((x) => x.id === id);
  if (!m) throw new Error(`method must be one of ${GROWTH_METHODS.map((x) => x.id).join(', ')}, got ${JSON.stringify(id)}`);
  return m;
}
