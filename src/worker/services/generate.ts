// Text generation from a loaded model (core/model/generate.ts: KV cache, seeded sampling) on the
// engine's kernels. With a jobId, every token is posted as a generateToken event as it comes, and
// stopGeneration ends the job before its next token (the worker answers stopGeneration at once,
// outside its request queue, which the generation holds; see IMMEDIATE_REQUESTS).
import { generateStreaming, type GenerationResult } from '../../core/model/generate';
import type { Engine, Handlers } from '../engine';

export interface GenerateRequests {
  /** `options` as GENERATION_SETTINGS (plus `stop`) validates them; refusals name the field. */
  generate: { args: { modelId: string; prompt: string; options: unknown; jobId?: string }; result: GenerationResult };
  /** Ends generation `jobId` before its next token (stoppedBy 'stopped'); also one still queued. */
  stopGeneration: { args: { jobId: string }; result: null };
}

/** Requests the worker answers as they arrive instead of after the request before them. */
export const IMMEDIATE_REQUESTS: ReadonlySet<string> = new Set<keyof GenerateRequests>(['stopGeneration']);

/** One macrotask: lets the worker receive messages (a stop) between tokens. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export function generateService(engine: Engine): Handlers<GenerateRequests> {
  /** Jobs asked to stop (also before they start); a job removes its id when it ends (a stop that arrives later leaves its few bytes). */
  const stopping = new Set<string>();
  return {
    async generate(a) {
      const m = engine.model(a.modelId);
      const jobId = a.jobId;
      if (jobId === undefined) return generateStreaming(m, m.tokenizer, a.prompt, a.options, engine.kernels);
      try {
        return await generateStreaming(m, m.tokenizer, a.prompt, a.options, engine.kernels, {
          onToken: (step) => {
            engine.emit({ type: 'generateToken', jobId, step });
            return nextTask();
          },
          shouldStop: () => stopping.has(jobId),
        });
      } finally {
        stopping.delete(jobId);
      }
    },

    stopGeneration(a) {
      stopping.add(a.jobId);
      return null;
    },
  };
}
