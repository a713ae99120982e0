// FLOP matching across scales, shared by the recipe validator (is the budget big enough for one
// step at every scale?) and the planner (how many steps does each run get?). A budget is stated
// for the 1x model and turned into FLOPs once; every scale then spends those same FLOPs.
import { planGrowth } from '../growth/grow';
import type { LlamaConfig } from '../model/config';
import { flopsPerStep } from '../train/adapt';

/** A training budget as the recipe states it (the same shape as a run's AdaptRecord.budget). */
export interface Budget {
  /** steps: optimiser steps of the 1x model; tokens: training tokens of the 1x model; flops: training FLOPs. */
  kind: 'steps' | 'tokens' | 'flops';
  /** A positive number; whole for steps. */
  value: number;
}

export const BUDGET_KINDS = ['steps', 'tokens', 'flops'] as const;

/** The config at width factor m: the base itself for 1, its HyperClone otherwise (throws when impossible). */
export function scaleConfig(base: LlamaConfig, factor: number): LlamaConfig {
  return factor === 1 ? base : planGrowth(base, { method: 'hyperclone', factor }).config;
}

/** The budget in training FLOPs, converting steps and tokens at the 1x model's cost per token. */
export function budgetFlops(budget: Budget, config1x: LlamaConfig, batchSize: number, seqLen: number): number {
  const perStep = flopsPerStep(config1x, batchSize, seqLen);
  switch (budget.kind) {
    case 'steps':
      return budget.value * perStep;
    case 'tokens':
      return (budget.value / (batchSize * seqLen)) * perStep;
    case 'flops':
      return budget.value;
  }
}

/**
 * Steps a run may take within `flops`: floor(flops / flopsPerStep). Rounding down means no
 * scale ever spends more than the budget, so a grown model never gains from rounding, and every
 * run spends within one of its own steps of the budget. The relative 1e-9 absorbs float error
 * when the budget is an exact multiple of the step (a budget of "30 steps" gives 30, not 29).
 */
export function stepsWithin(flops: number, perStep: number): number {
  return Math.floor(flops / perStep + 1e-9);
}
