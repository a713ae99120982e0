// Every merge method the studio offers, in the order the UI lists them. Adding one = a file in
// methods/ (or a configuration of generalized task arithmetic) plus a line here and its test.
import { fisher } from './methods/fisher';
import { modelStock, multislerp, slerp } from './methods/geometric';
import { karcher } from './methods/karcher';
import { nearswap } from './methods/nearswap';
import { nuslerp } from './methods/nuslerp';
import { sce } from './methods/sce';
import { breadcrumbs, breadcrumbsTies, dareLinear, dareTies, della, dellaLinear, taskArithmetic, ties, tiesSlack } from './methods/gta';
import { linear } from './methods/linear';
import type { MergeMethod } from './types';

export const MERGE_METHODS: MergeMethod[] = [linear, taskArithmetic, ties, dareTies, dareLinear, breadcrumbs, breadcrumbsTies, della, dellaLinear, modelStock, slerp, nuslerp, multislerp, karcher, sce, nearswap, fisher, tiesSlack];

export function mergeMethod(id: unknown): MergeMethod {
  const m = MERGE_METHODS.find((x) => x.id === id);
  if (!m) throw new Error(`method must be one of ${MERGE_METHODS.map((x) => x.id).join(', ')}, got ${JSON.stringify(id)}`);
  return m;
}
