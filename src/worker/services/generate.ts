// Text generation from a loaded model (core/model/generate.ts: KV cache, seeded sampling) on the
// engine's kernels; the result comes back whole, tokens are not streamed as events yet.
import { generate, type GenerationResult } from '../../core/model/generate';
import type { Engine, Handlers } from '../engine';

export interface GenerateRequests {
  /** `options` as GENERATION_SETTINGS (plus `stop`) validates them; refusals name the field. */
  generate: { args: { modelId: string; prompt: string; options: unknown }; result: GenerationResult };
}

export function generateService(engine: Engine): Handlers<GenerateRequests> {
  return {
    async generate(a) {
      const m = engine.model(a.modelId);
      return generate(m, m.tokenizer, a.prompt, a.options, engine.kernels);
    },
  };
}
