// Fresh weights for a new model, computed on the CPU from a seed so that the same seed gives the
// same model on every backend and machine. Free of tfjs so the main thread can create models.
import type { LlamaConfig } from './config';
import { weightSpecs } from './weights';
import { fillNormal, hashString, mulberry32 } from '../rng';
import type { Spec } from '../params';

/** The seed of a new model's weights, as studio.createModel checks it and the Create form shows it. */
export const INIT_SEED = { name: 'seed', kind: 'int', min: 0, max: 2 ** 32 - 1, default: 0, label: 'seed', help: 'seeds the initial weights' } as const satisfies Spec;

/** GPT-2 style initialisation: N(0, 0.02), residual projections scaled by 1/sqrt(2 n_layer). */
export function initialWeights(c: LlamaConfig, seed: number): Map<string, { shape: number[]; data: Float32Array }> {
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const s of weightSpecs(c)) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (s.init === 'ones') data.fill(1);
    else {
      const std = s.init === 'normal_residual' ? 0.02 / Math.sqrt(2 * c.num_hidden_layers) : 0.02;
      fillNormal(data, mulberry32(hashString(s.name, seed)), std);
    }
    out.set(s.name, { shape: s.shape, data });
  }
  return out;
}
