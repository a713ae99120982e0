import { describe, expect, it } from 'vitest';
import { MODEL_PRESETS } from '../core/model/config';
import { generationOptions } from '../core/model/generate';
import { MAX_REPLAY } from '../core/train/adapt';
import { validateTrainSettings } from '../core/train/settings';
import { forgetDemoPlan, REPLAY_CHOICES, startForgetDemo, useForgetStory, type ForgetDemoDeps } from './educatorPresets';
import type { RunHandle, RunManager } from './training';

/** A run that finishes at once with checkpoint `result`. */
function finished(id: string, result: string): RunHandle {
  return { id, done: Promise.resolve(result), metrics: () => [], status: () => 'completed', pause: () => undefined, resume: () => undefined, stop: () => undefined };
}

/** Fake studio actions that record what the story asked for. */
function fakeDeps() {
  const calls = { train: [] as Record<string, unknown>[], adapt: [] as Record<string, unknown>[], generate: [] as { id: string; prompt: string; options: unknown }[] };
  const deps: ForgetDemoDeps = {
    createModel: async () => 'ckpt-base',
    runs: { start: (o: Record<string, unknown>) => (calls.train.push(o), finished('run-english', 'ckpt-english')) } as unknown as RunManager,
    adapt: (o) => (calls.adapt.push(o), finished(`run-adapt-${calls.adapt.length}`, `ckpt-adapted-${calls.adapt.length}`)),
    generate: async (id, prompt, options) => (calls.generate.push({ id, prompt, options }), { text: `<${id}>`, tokens: [], stoppedBy: 'maxTokens' }),
  };
  return { deps, calls };
}

describe('the forgetting story plans', () => {
  for (const size of ['tiny', 'gpu'] as const) {
    it(`${size}: every run and sample fits the model it uses`, () => {
      const plan = forgetDemoPlan(size);
      const config = MODEL_PRESETS.find((p) => p.id === plan.preset)!.config;
      const ctx = { corpusIds: [plan.english, plan.target], maxPositionEmbeddings: config.max_position_embeddings };
      expect(() => validateTrainSettings({ from: 'x', data: [{ corpus: plan.english, weight: 1 }], ...plan.englishRun, watch: [plan.english, plan.target] }, ctx)).not.toThrow();
      const { evalTokens, evalPairs, ...adaptRun } = plan.adapt;
      expect(() => validateTrainSettings({ from: 'x', data: [{ corpus: plan.target, weight: 1 }], ...adaptRun, evalTokens, evalPairs }, ctx)).not.toThrow();
      expect(() => generationOptions(config, plan.sampling)).not.toThrow();
      for (const p of plan.prompts) expect(new TextEncoder().encode(p.prompt).length + plan.sampling.maxTokens).toBeLessThanOrEqual(config.max_position_embeddings);
    });
  }

  it('offers replay shares the adaptation accepts', () => {
    for (const r of REPLAY_CHOICES) expect(r > 0 && r <= MAX_REPLAY).toBe(true);
  });
});

describe('the forgetting story', () => {
  it('samples after each stage and keeps the story in the store', async () => {
    const { deps, calls } = fakeDeps();
    const h = startForgetDemo(deps, 'tiny');
    expect(useForgetStory.getState().handle).toBe(h);
    await expect(h.done).resolves.toEqual({ base: 'ckpt-base', english: 'ckpt-english', adapted: 'ckpt-adapted-1' });
    const story = h.story();
    expect(story.phase).toBe('done');
    expect(story.runs).toEqual({ english: 'run-english', adapt: 'run-adapt-1' });
    expect(story.samples.map((s) => [s.stage, s.checkpoint])).toEqual([['untrained', 'ckpt-base'], ['english', 'ckpt-english'], ['target', 'ckpt-adapted-1']]);
    expect(story.samples[1].samples.map((s) => s.prompt)).toEqual(h.plan.prompts.map((p) => p.prompt));
    // Every stage writes with the same seed and settings.
    expect(new Set(calls.generate.map((g) => JSON.stringify(g.options))).size).toBe(1);
    expect(calls.adapt[0]).toMatchObject({ from: 'ckpt-english', replay: 0 });
  });

  it('runs the replay pass from the same English checkpoint, with the same settings and steps', async () => {
    const { deps, calls } = fakeDeps();
    const h = startForgetDemo(deps, 'tiny');
    await expect(h.replayPass(0.25)).rejects.toThrow(/once pass 1/);
    await h.done;
    await expect(h.replayPass(0.7)).rejects.toThrow(/replay must be/);
    const r = await h.replayPass(0.25);
    expect(r).toEqual({ runId: 'run-adapt-2', checkpoint: 'ckpt-adapted-2' });
    const { replay: r1, name: n1, ...pass1 } = calls.adapt[0];
    const { replay: r2, name: n2, ...pass2 } = calls.adapt[1];
    expect(pass2).toEqual(pass1);
    expect([r1, r2]).toEqual([0, 0.25]);
    expect(n2).not.toEqual(n1);
    const story = h.story();
    expect(story.replays).toEqual([{ replay: 0.25, runId: 'run-adapt-2', checkpoint: 'ckpt-adapted-2', status: 'done' }]);
    expect(story.samples[story.samples.length - 1]).toMatchObject({ stage: 'replay', checkpoint: 'ckpt-adapted-2' });
    expect(h.runIds()).toEqual(['run-english', 'run-adapt-1', 'run-adapt-2']);
  });

  it('a new story replaces the old one in the store; the old one no longer writes there', async () => {
    const first = startForgetDemo(fakeDeps().deps, 'tiny');
    const second = startForgetDemo(fakeDeps().deps, 'tiny');
    await Promise.all([first.done, second.done]);
    expect(useForgetStory.getState().handle).toBe(second);
    expect(useForgetStory.getState().story).toBe(second.story());
    expect(first.story().phase).toBe('done');
    expect(first.story()).not.toBe(second.story());
  });
});
