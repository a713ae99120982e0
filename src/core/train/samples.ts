// Samples of what a model writes while it trains: at every evaluation point, greedy text after a
// fixed prompt per watched corpus, so a run's points show English turning into Icelandic. The
// prompt is the first words of the corpus's validation text (a deterministic choice, the same at
// every point), short enough to leave most of the context for the sample.
import type { Kernels } from '../kernels';
import type { TokenizedText } from '../data/tokens';
import type { LlamaModel } from '../model/llama';
import { generateStreaming } from '../model/generate';
import { continuationTokens } from '../eval/score';
import type { Tokenizer } from '../tokenizer/tokenizer';
import type { MetricPoint, RunSample } from './settings';

/** Words of the validation text's first line that make the prompt, at most. */
export const PROMPT_WORDS = 3;

/**
 * The first PROMPT_WORDS words of the first line of `valid`, fewer while BOS + prompt would take
 * more than half of `maxPositions`; empty (BOS alone) when even one word is too long.
 */
export function samplePrompt(tokenizer: Tokenizer, valid: TokenizedText, maxPositions: number): string {
  const end = valid.lineStarts.length > 1 ? valid.lineStarts[1] : valid.ids.length;
  const line = tokenizer.decode(Array.from(valid.ids.subarray(valid.lineStarts[0] ?? 0, end))).trim();
  const words = line.split(/\s+/).filter((w) => w.length > 0).slice(0, PROMPT_WORDS);
  for (let n = words.length; n > 0; n--) {
    const prompt = words.slice(0, n).join(' ');
    if (1 + continuationTokens(tokenizer, prompt).length <= maxPositions / 2) return prompt;
  }
  return '';
}

/** Greedy text of at most `tokens` tokens after the corpus's prompt (it also ends at EOS or the context). */
export async function corpusSample(model: LlamaModel, tokenizer: Tokenizer, valid: TokenizedText, tokens: number, kernels: Kernels): Promise<RunSample> {
  const prompt = samplePrompt(tokenizer, valid, model.config.max_position_embeddings);
  const r = await generateStreaming(model, tokenizer, prompt, { temperature: 0, maxTokens: tokens }, kernels);
  return { prompt, text: r.text };
}

/** A run's points that carry samples, in step order (the points are appended in order). */
export function samplePoints(points: readonly MetricPoint[]): (MetricPoint & { samples: Record<string, RunSample> })[] {
  return points.filter((p): p is MetricPoint & { samples: Record<string, RunSample> } => p.samples !== undefined && Object.keys(p.samples).length > 0);
}
