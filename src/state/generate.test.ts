// studio.generate through the studio's own model actions, on a real CPU engine session: the
// checkpoint id, prompt and options are checked before the model is loaded, the engine's
// KV-cache generation comes back whole and reproducible for a seed, streamed tokens arrive one
// by one through the engine's events, and an abort stops it with the text so far.
import { describe, expect, it } from 'vitest';
import type { CheckpointManifest } from '../core/checkpoint/manifest';
import type { GenerationStep } from '../core/model/generate';
import type { EngineEvent } from '../worker/events';
import { tinyConfig } from '../core/testing/fixtures';
import { initialWeights } from '../core/model/init';
import { encodeSafetensors } from '../core/checkpoint/safetensors';
import { EngineSession } from '../worker/session';
import { createModelActions } from './models';
import type { EngineCache, Services } from './services';
import type { RunManager } from './training';

async function studioWithModel() {
  const tokenListeners = new Map<string, (step: GenerationStep) => void>();
  const session = new EngineSession((e: EngineEvent) => {
    if (e.type === 'generateToken') tokenListeners.get(e.jobId)?.(e.step);
  });
  await session.init({ backend: 'cpu' });
  const config = tinyConfig({ vocab_size: 259, max_position_embeddings: 24 });
  const tensors = encodeSafetensors([...initialWeights(config, 1)].map(([name, w]) => ({ name, shape: w.shape, data: w.data })), {});
  const loads: string[] = [];
  const calls: string[] = [];
  const cache = {
    ensureModel: async (id: string) => {
      loads.push(id);
      await session.loadModel({ modelId: id, config, tokenizer: { kind: 'byte' }, tensors: new Blob([tensors as Uint8Array<ArrayBuffer>]) });
    },
  } as unknown as EngineCache;
  const model = { id: 'm', name: 'tiny', config, tokenizer: { kind: 'byte' } } as unknown as CheckpointManifest;
  const s = {
    checkpoints: { get: async (id: string) => (id === 'm' ? model : undefined) },
    engine: {
      call: (type: string, args: never) => { calls.push(type); return (session as unknown as Record<string, (a: never) => unknown>)[type](args); },
      onGeneratedToken: (jobId: string, l: (step: GenerationStep) => void) => { tokenListeners.set(jobId, l); return () => tokenListeners.delete(jobId); },
    },
  } as unknown as Services;
  const actions = createModelActions(s, cache, {} as RunManager, { corpusInfo: () => { throw new Error('no corpora'); } }, async () => {});
  return { actions, loads, calls, tokenListeners };
}

describe('studio.generate', () => {
  it('generates through the engine, the same text for the same seed, within the context', async () => {
    const { actions, calls } = await studioWithModel();
    const a = await actions.generate('m', 'the ', { maxTokens: 8, seed: 5 });
    const b = await actions.generate('m', 'the ', { maxTokens: 8, seed: 5 });
    expect(b).toEqual(a);
    expect(a.tokens).toHaveLength(8);
    expect(a.stoppedBy).toBe('maxTokens');
    expect(calls).toEqual(['generate', 'generate']);
    // BOS + 4 prompt bytes leave 24 - 5 + 1 = 20 new tokens (greedy here never picks EOS).
    const long = await actions.generate('m', 'the ', { maxTokens: 1000, temperature: 0 });
    expect(long.stoppedBy).toBe('context');
    expect(long.tokens).toHaveLength(20);
  });

  it('refuses a bad id, prompt or option before loading the model', async () => {
    const { actions, loads, calls } = await studioWithModel();
    await expect(actions.generate('nope', 'x')).rejects.toThrow(/no checkpoint with id nope; see studio.checkpoints.list\(\)/);
    await expect(actions.generate('m', 3 as unknown as string)).rejects.toThrow(/prompt must be a string, got 3/);
    await expect(actions.generate('m', 'x', { topK: 300 })).rejects.toThrow(/topK must be an integer from 0 to 259, got 300/);
    await expect(actions.generate('m', 'x', { temperature: -0.5 })).rejects.toThrow(/temperature must be a number >= 0 and <= 100, got -0.5/);
    expect(loads).toEqual([]);
    expect(calls).toEqual([]);
    // A prompt too long for the context is refused by the engine, naming the limit.
    await expect(actions.generate('m', 'x'.repeat(24))).rejects.toThrow(/the prompt is 24 tokens; at most 23 fit .*max_position_embeddings 24/);
  });

  it('streams every token as the engine makes it, with the same result as without streaming', async () => {
    const { actions, calls, tokenListeners } = await studioWithModel();
    const whole = await actions.generate('m', 'the ', { maxTokens: 6, seed: 2 });
    const steps: GenerationStep[] = [];
    const streamed = await actions.generate('m', 'the ', { maxTokens: 6, seed: 2 }, { onToken: (s) => steps.push(s) });
    expect(streamed).toEqual(whole);
    expect(steps.map((s) => s.token)).toEqual(whole.tokens);
    expect(steps.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(steps[5].text).toBe(whole.text);
    expect(tokenListeners.size).toBe(0); // the listener is removed when the generation ends
    expect(calls).toEqual(['generate', 'generate']);
    await expect(actions.generate('m', 'x', {}, { onToken: 3 as unknown as () => void })).rejects.toThrow(/onToken must be a function/);
  });

  it('an abort stops the generation before its next token, with the text so far', async () => {
    const { actions, calls } = await studioWithModel();
    const whole = await actions.generate('m', 'the ', { maxTokens: 12, seed: 4 });
    const controller = new AbortController();
    const r = await actions.generate('m', 'the ', { maxTokens: 12, seed: 4 }, { signal: controller.signal, onToken: (s) => { if (s.index === 2) controller.abort(); } });
    expect(r).toEqual({ tokens: whole.tokens.slice(0, 3), text: expect.any(String), stoppedBy: 'stopped' });
    expect(whole.text.startsWith(r.text)).toBe(true);
    expect(calls).toEqual(['generate', 'generate', 'stopGeneration']);
    // Aborted before it starts: nothing is generated.
    expect(await actions.generate('m', 'the ', {}, { signal: AbortSignal.abort() })).toEqual({ text: '', tokens: [], stoppedBy: 'stopped' });
  });
});
