import { describe, expect, it } from 'vitest';
import { EngineSession } from './session';
import type { EngineEvent } from './protocol';
import { tinyConfig } from '../core/testing/fixtures';
import { initialWeights } from '../core/model/init';
import { encodeSafetensors } from '../core/checkpoint/safetensors';
import { validateTrainSettings } from '../core/train/settings';

const text = (s: string) => new TextEncoder().encode(s).buffer as ArrayBuffer;

/** A CPU session with tiny model m (its weights through `edit`) and corpus c loaded; events land in `events`. */
async function loadedSession(edit: (name: string, data: Float32Array) => Float32Array = (_, d) => d) {
  const events: EngineEvent[] = [];
  const session = new EngineSession((e) => events.push(e));
  await session.init({ backend: 'cpu' });
  const config = tinyConfig({ vocab_size: 259, max_position_embeddings: 16 });
  const tensors = encodeSafetensors([...initialWeights(config, 1)].map(([name, w]) => ({ name, shape: w.shape, data: edit(name, w.data) })), {});
  await session.loadModel({ modelId: 'm', config, tokenizer: { kind: 'byte' }, tensors: new Blob([tensors as Uint8Array<ArrayBuffer>]) });
  await session.loadCorpus({ corpusId: 'c', train: text('the cat sat on the mat. '.repeat(40)), valid: text('a dog ran. '.repeat(10)) });
  return { events, session, config };
}

/** Waits (up to a minute) until a run has finished or failed. */
async function ended(events: EngineEvent[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!events.some((e) => e.type === 'trainFinished' || e.type === 'trainFailed') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

describe('EngineSession training loop', () => {
  it('has sent every metric point up to a snapshot before the snapshot itself', async () => {
    const { events, session } = await loadedSession();
    // Steps of a tiny model on the CPU take far less than the metric flush interval, so points
    // sit pending when a snapshot is due: exactly when they used to be lost on resume.
    const settings = validateTrainSettings({ from: 'm', data: [{ corpus: 'c', weight: 1 }], steps: 6, batchSize: 2, seqLen: 8, lr: 1e-3, checkpointEvery: 2 }, { corpusIds: ['c'], maxPositionEmbeddings: 16 });
    await session.train({ runId: 'r', modelId: 'm', settings });
    await ended(events);
    expect(events.find((e) => e.type === 'trainFailed')).toBeUndefined();
    const snapshots = events.flatMap((e, i) => (e.type === 'trainCheckpoint' ? [{ step: e.step, at: i }] : []));
    expect(snapshots.map((s) => s.step)).toEqual([2, 4]);
    for (const s of snapshots) {
      const sent = events.slice(0, s.at).flatMap((e) => (e.type === 'trainMetrics' ? e.points.map((p) => p.step) : []));
      expect(sent).toEqual(Array.from({ length: s.step }, (_, i) => i + 1));
    }
  });

  it('writes a greedy sample per watched corpus at every evaluation point, the last one from the final weights', async () => {
    const { events, session, config } = await loadedSession();
    const ctx = { corpusIds: ['c'], maxPositionEmbeddings: 16 };
    const settings = validateTrainSettings({ from: 'm', data: [{ corpus: 'c', weight: 1 }], steps: 4, batchSize: 2, seqLen: 8, lr: 1e-2, evalEvery: 2, watch: ['c'], evalTokens: 16, sampleTokens: 5 }, ctx);
    await session.train({ runId: 'r', modelId: 'm', settings });
    await ended(events);
    const points = events.flatMap((e) => (e.type === 'trainMetrics' ? e.points : []));
    const sampled = points.filter((p) => p.samples);
    expect(sampled.map((p) => p.step)).toEqual([0, 2, 4]);
    // "a dog ran." would take 11 of 16 positions with BOS: the prompt keeps the words that fit in half.
    for (const p of sampled) expect(p.samples!.c.prompt).toBe('a dog');
    const finished = events.find((e) => e.type === 'trainFinished');
    if (finished?.type !== 'trainFinished') throw new Error('the run did not finish');
    await session.loadModel({ modelId: 'final', config, tokenizer: { kind: 'byte' }, tensors: new Blob([finished.params]) });
    const greedy = await session.generate({ modelId: 'final', prompt: 'a dog', options: { temperature: 0, maxTokens: 5 } });
    expect(sampled[2].samples!.c.text).toBe(greedy.text);
    // The untrained model at step 0 writes something else than the trained one.
    expect(sampled[0].samples!.c.text).not.toBe(sampled[2].samples!.c.text);

    const quiet = await loadedSession();
    await quiet.session.train({ runId: 'q', modelId: 'm', settings: validateTrainSettings({ ...settings, sampleTokens: 0 }, ctx) });
    await ended(quiet.events);
    expect(quiet.events.flatMap((e) => (e.type === 'trainMetrics' ? e.points : [])).some((p) => p.samples)).toBe(false);
  });

  it('stops a run whose loss turns non-finite, saving nothing from it', async () => {
    // One NaN in the final norm: every loss is NaN from the first step.
    const { events, session } = await loadedSession((name, data) => (name === 'model.norm.weight' ? Float32Array.from(data, (x, i) => (i === 0 ? NaN : x)) : data));
    const settings = validateTrainSettings({ from: 'm', data: [{ corpus: 'c', weight: 1 }], steps: 4, batchSize: 2, seqLen: 8, lr: 1e-3, checkpointEvery: 1 }, { corpusIds: ['c'], maxPositionEmbeddings: 16 });
    await session.train({ runId: 'r', modelId: 'm', settings });
    await ended(events);
    const failed = events.find((e) => e.type === 'trainFailed');
    expect(failed && failed.type === 'trainFailed' && failed.error).toMatch(/^training diverged at step 1: loss is NaN; nothing from this step was saved; lower lr/);
    expect(events.some((e) => e.type === 'trainFinished' || e.type === 'trainCheckpoint')).toBe(false);
  });
});

describe('EngineSession requests that need the GPU to itself', () => {
  it('refuse while a run trains, naming the run, and work again once it has stopped; the others go on', async () => {
    const { events, session, config } = await loadedSession();
    const settings = validateTrainSettings({ from: 'm', data: [{ corpus: 'c', weight: 1 }], steps: 100_000, batchSize: 2, seqLen: 8, lr: 1e-3 }, { corpusIds: ['c'], maxPositionEmbeddings: 16 });
    await session.train({ runId: 'r7', modelId: 'm', settings });
    const refusals: [string, () => unknown][] = [
      ['changing the backend', () => session.init({ backend: 'cpu' })],
      ['the kernel parity check', () => session.kernelParity({})],
      ['profiling', () => session.profileStep({ config, batchSize: 1, seqLen: 4 })],
      ['profiling', () => session.profileScoring({ config, batchSize: 1, seqLen: 4 })],
      ['measuring the device', () => session.deviceCeilings({})],
      ['measuring merges', () => session.mergeThroughput({ method: 'linear', elements: 16, experts: 2 })],
      ['the backend parity check', () => session.parity({ config, seed: 0 })],
      ['the merge parity check', () => session.mergeParity({ config, seed: 0 })],
    ];
    try {
      for (const [what, call] of refusals) {
        await expect(Promise.resolve().then(call)).rejects.toThrow(`${what} needs the GPU to itself, but run r7 is training; wait until training has finished or stop the run`);
      }
      // Requests that share the GPU with a run still answer, through the same table the worker uses.
      expect(await session.handle({ type: 'tokenize', requestId: 1, modelId: 'm', text: 'ab' })).toEqual([256, 97, 98]);
      expect(await session.validationLoss({ modelId: 'm', corpusId: 'c', seqLen: 8, maxTokens: 16 })).toBeGreaterThan(0);
    } finally {
      // A failed expectation must not leave a 100,000-step run training.
      session.control({ runId: 'r7', action: 'stop' });
      await ended(events);
    }
    expect(events.find((e) => e.type === 'trainFinished')).toMatchObject({ runId: 'r7', status: 'stopped' });
    await new Promise((r) => setTimeout(r, 0)); // the run leaves the table once its loop has ended
    await expect(session.init({ backend: 'cpu' })).resolves.toMatchObject({ name: 'cpu' });
    await expect(session.handle({ type: 'tokenize', requestId: 2, modelId: 'm', text: 'ab' })).rejects.toThrow('model m is not loaded in the engine');
  });
});
