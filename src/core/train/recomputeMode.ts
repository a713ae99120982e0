// Whether a training run recomputes each decoder layer's activations in the backward pass
// (model/recompute.ts): the `recompute` setting, and what 'auto' decides for a model and the
// rows of one forward/backward pass. Recompute costs one more forward pass of the layers (a third
// more FLOPs per step) and saves most of the activations' memory.
import type { LlamaConfig } from '../model/config';
import { activationFloats, DEFAULT_MEMORY_BUDGET_BYTES } from '../model/memory';

export const RECOMPUTE_MODES = ['auto', 'on', 'off'] as const;
export type RecomputeMode = (typeof RECOMPUTE_MODES)[number];

/**
 * 'auto' recomputes when memory.ts's estimate of the activations of one pass (without
 * recompute) exceeds this: a sixteenth of the studio's budget for a tab (256 MiB). tfjs's tape
 * holds several times that estimate (it also keeps masks, broadcasts and every gradient until the
 * backward pass ends: base-1m at 8 x 64 peaked 276 MB above its weights on the CPU backend against
 * an estimate of 41 MB, 6.8x; recompute.test.ts's model 6.4x), so above it a step's tape reaches
 * a third or more of what a tab holds, and saving it is worth the extra forward pass. Below it
 * (every preset up to ~3M at the forms' 8 x 64) the tape fits easily and recompute would only
 * slow the step.
 */
export const RECOMPUTE_AUTO_ACTIVATION_BYTES = DEFAULT_MEMORY_BUDGET_BYTES / 16;

/** The mode's decision for passes of `rows` sequences of `seqLen` tokens; an absent mode (older runs) is 'auto'. */
export function recomputeActivations(mode: RecomputeMode | undefined, config: LlamaConfig, rows: number, seqLen: number): boolean {
  if (mode === 'on') return true;
  if (mode === 'off') return false;
  return Float32Array.BYTES_PER_ELEMENT * activationFloats(config, rows, seqLen) > RECOMPUTE_AUTO_ACTIVATION_BYTES;
}
