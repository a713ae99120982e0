import { describe, expect, it } from 'vitest';
import { EngineSession } from './session';
import type { EngineEvent } from './protocol';
import { tinyConfig } from '../core/testing/fixtures';
import { initialWeights } from '../core/model/init';
import { encodeSafetensors } from '../core/checkpoint/safetensors';
import { validateTrainSettings } from '../core/train/settings';

const text = (s: string) => new TextEncoder().encode(s).buffer as ArrayBuffer;

describe('EngineSession training loop', () => {
  it('has sent every metric point up to a snapshot before the snapshot itself', async () => {
    const events: EngineEvent[] = [];
    const session = new EngineSession((e) => events.push(e));
    await session.init({ backend: 'cpu' });
    const config = tinyConfig({ vocab_size: 259, max_position_embeddings: 16 });
    const tensors = encodeSafetensors([...initialWeights(config, 1)].map(([name, w]) => ({ name, shape: w.shape, data: w.data })), {});
    await session.loadModel({ modelId: 'm', config, tokenizer: { kind: 'byte' }, tensors: new Blob([tensors as Uint8Array<ArrayBuffer>]) });
    await session.loadCorpus({ corpusId: 'c', train: text('the cat sat on the mat. '.repeat(40)), valid: text('a dog ran. '.repeat(10)) });
    // Steps of a tiny model on the CPU take far less than the metric flush interval, so points
    // sit pending when a snapshot is due: exactly when they used to be lost on resume.
    const settings = validateTrainSettings({ from: 'm', data: [{ corpus: 'c', weight: 1 }], steps: 6, batchSize: 2, seqLen: 8, lr: 1e-3, checkpointEvery: 2 }, { corpusIds: ['c'], maxPositionEmbeddings: 16 });
    await session.train({ runId: 'r', modelId: 'm', settings });
    const deadline = Date.now() + 60_000;
    while (!events.some((e) => e.type === 'trainFinished' || e.type === 'trainFailed') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(events.find((e) => e.type === 'trainFailed')).toBeUndefined();
    const snapshots = events.flatMap((e, i) => (e.type === 'trainCheckpoint' ? [{ step: e.step, at: i }] : []));
    expect(snapshots.map((s) => s.step)).toEqual([2, 4]);
    for (const s of snapshots) {
      const sent = events.slice(0, s.at).flatMap((e) => (e.type === 'trainMetrics' ? e.points.map((p) => p.step) : []));
      expect(sent).toEqual(Array.from({ length: s.step }, (_, i) => i + 1));
    }
  });

  it('stops a run whose loss turns non-finite, saving nothing from it', async () => {
    const events: EngineEvent[] = [];
    const session = new EngineSession((e) => events.push(e));
    await session.init({ backend: 'cpu' });
    const config = tinyConfig({ vocab_size: 259, max_position_embeddings: 16 });
    // One NaN in the final norm: every loss is NaN from the first step.
    const tensors = encodeSafetensors([...initialWeights(config, 1)].map(([name, w]) => ({ name, shape: w.shape, data: name === 'model.norm.weight' ? Float32Array.from(w.data, (x, i) => (i === 0 ? NaN : x)) : w.data })), {});
    await session.loadModel({ modelId: 'm', config, tokenizer: { kind: 'byte' }, tensors: new Blob([tensors as Uint8Array<ArrayBuffer>]) });
    await session.loadCorpus({ corpusId: 'c', train: text('the cat sat on the mat. '.repeat(40)), valid: text('a dog ran. '.repeat(10)) });
    const settings = validateTrainSettings({ from: 'm', data: [{ corpus: 'c', weight: 1 }], steps: 4, batchSize: 2, seqLen: 8, lr: 1e-3, checkpointEvery: 1 }, { corpusIds: ['c'], maxPositionEmbeddings: 16 });
    await session.train({ runId: 'r', modelId: 'm', settings });
    const deadline = Date.now() + 60_000;
    while (!events.some((e) => e.type === 'trainFinished' || e.type === 'trainFailed') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const failed = events.find((e) => e.type === 'trainFailed');
    expect(failed && failed.type === 'trainFailed' && failed.error).toMatch(/^training diverged at step 1: loss is NaN; nothing from this step was saved; lower lr/);
    expect(events.some((e) => e.type === 'trainFinished' || e.type === 'trainCheckpoint')).toBe(false);
  });
});

