// RunManager on memory stores and a scripted engine: completion is idempotent (a crash between
// saving the result and marking the run leaves a run that finishes without a second result), a
// final save that does not fit keeps the snapshot and saves again, and a run another tab holds
// cannot be continued here.
import { beforeEach, describe, expect, it } from 'vitest';
import type { CheckpointManifest } from '../core/checkpoint/manifest';
import type { TrainSettings } from '../core/train/settings';
import { CheckpointStore, type StoredBytes } from '../storage/checkpoints';
import { type KeyValueStore, memoryStore } from '../storage/kv';
import { RunStore, type RunRecord } from '../storage/runs';
import { MemoryLockManager, memoryTabs, runLock } from '../storage/tabs';
import type { TrainEvent } from '../worker/protocol';
import type { EngineClient } from '../worker/client';
import { EngineCache, type Services } from './services';
import { useStudio } from './store';
import type { SuiteLibrary } from './suiteLibrary';
import { RunManager } from './training';

const config = { vocab_size: 259, hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1, max_position_embeddings: 16, rms_norm_eps: 1e-5, rope_theta: 10000, tie_word_embeddings: true } as CheckpointManifest['config'];
const settings = { name: 'r', from: 'base', steps: 4, data: [], watch: [], evalSuites: [] } as unknown as TrainSettings;

function fullWhen<V>(inner: KeyValueStore<V>, full: () => boolean): KeyValueStore<V> {
  return { ...inner, set: async (k, v) => { if (full()) throw Object.assign(new Error(''), { name: 'QuotaExceededError' }); return inner.set(k, v); } };
}

function setup(manager = new MemoryLockManager()) {
  let full = false;
  let emit!: (e: TrainEvent) => void;
  const trainCalls: { resume?: { step: number; state: ArrayBuffer } }[] = [];
  const engine = {
    onTrainEvent: (cb: (e: TrainEvent) => void) => ((emit = cb), () => undefined),
    call: async (name: string, args: { resume?: { step: number; state: ArrayBuffer } }) => {
      if (name === 'train') trainCalls.push(args);
      return undefined;
    },
  } as unknown as EngineClient;
  const tabs = memoryTabs(manager);
  const blobs = memoryStore<StoredBytes>();
  const checkpoints = new CheckpointStore(memoryStore(), fullWhen(blobs, () => full), tabs);
  const records = memoryStore<RunRecord>();
  const s = { engine, checkpoints, runs: new RunStore(records, checkpoints), tabs } as unknown as Services;
  const manager_ = new RunManager(s, new EngineCache(s), {} as SuiteLibrary);
  return { s, runs: manager_, blobs, records, emit: (e: TrainEvent) => emit(e), setFull: (v: boolean) => (full = v), tabs, trainCalls };
}

async function saveBase(s: Services): Promise<CheckpointManifest> {
  const m = await s.checkpoints.save({ formatVersion: 1, id: 'base', name: 'base', createdAt: '2026-01-01', config, tokenizer: { kind: 'byte' }, parents: [], origin: { method: 'init', params: {} }, parameterCount: 1 }, new Uint8Array(8));
  useStudio.setState({ checkpoints: [m], runs: {} });
  return m;
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('RunManager', () => {
  beforeEach(() => useStudio.setState({ checkpoints: [], runs: {}, notices: [] }));

  it('a run whose record names an existing result finishes on resume without a second save', async () => {
    const { s, runs, records } = setup();
    await saveBase(s);
    await s.checkpoints.save({ formatVersion: 1, id: 'result', name: 'r', createdAt: '2026-01-02', config, tokenizer: { kind: 'byte' }, parents: ['base'], origin: { method: 'train', params: {} }, parameterCount: 1, training: { runId: 'run-1', settings, steps: 4, tokens: 64, status: 'completed', metrics: [] } }, new Uint8Array(8));
    // The crash: result saved, record still running with its result named.
    await records.set('run-1', { id: 'run-1', createdAt: '2026-01-01', settings, status: 'running', metrics: [], resultId: 'result' });
    const h = await runs.resume('run-1');
    expect(await h.done).toBe('result');
    expect(await records.get('run-1')).toMatchObject({ status: 'completed', resultId: 'result' });
    expect((await s.checkpoints.list()).checkpoints.map((c) => c.id).sort()).toEqual(['base', 'result']);
  });

  it('a final save that does not fit keeps the snapshot, says so, and saves again once there is room', async () => {
    const { s, runs, records, blobs, emit, setFull } = setup();
    const from = await saveBase(s);
    const h = runs.startSettings(settings, from);
    await settle();
    emit({ type: 'trainCheckpoint', runId: h.id, step: 2, tokens: 32, elapsed: 1, state: new Uint8Array([7]).buffer });
    await settle();
    await settle();
    setFull(true);
    emit({ type: 'trainFinished', runId: h.id, status: 'completed', step: 4, tokens: 64, params: new Uint8Array(16).buffer });
    const message = await h.done.then(() => 'saved', (e: Error) => e.message);
    expect(message).toMatch(/^The run's final checkpoint was not saved\. Not enough browser storage to save checkpoint "r" \(1 kB\).*Save again.*its snapshot at step 2/);
    expect(await records.get(h.id)).toMatchObject({ status: 'interrupted', snapshot: { step: 2 } });
    expect([...blobs.map.keys()].sort()).toEqual(['ckpt:base', `run:${h.id}:2`]);
    expect(useStudio.getState().runs[h.id]).toMatchObject({ status: 'interrupted', unsavedResult: true });
    setFull(false);
    const id = await runs.saveResult(h.id);
    expect(await records.get(h.id)).toMatchObject({ status: 'completed', resultId: id });
    expect([...blobs.map.keys()].sort()).toEqual(['ckpt:base', `ckpt:${id}`]);
    await expect(runs.saveResult(h.id)).rejects.toThrow(/has no unsaved result/);
  });

  it('resuming trims the curve to the snapshot and hands the engine the snapshot; without one it starts over', async () => {
    const { s, runs, records, blobs, trainCalls } = setup();
    await saveBase(s);
    const point = (step: number) => ({ step, tokens: step * 16, flops: step, loss: 1, lr: 1, gradNorm: 1, elapsed: step, numTensors: 1 });
    await blobs.set('run:run-3:2', new Uint8Array([9, 9]));
    await records.set('run-3', { id: 'run-3', createdAt: '2026-01-01', settings, status: 'interrupted', metrics: [0, 1, 2, 3, 4].map(point), snapshot: { step: 2, tokens: 32, elapsed: 2, key: 'run:run-3:2' } });
    const h = await runs.resume('run-3');
    expect(h.metrics().map((m) => m.step)).toEqual([0, 1, 2]);
    await settle();
    await settle();
    expect(trainCalls.at(-1)!.resume!.step).toBe(2);
    expect([...new Uint8Array(trainCalls.at(-1)!.resume!.state)]).toEqual([9, 9]);
    await records.set('run-4', { id: 'run-4', createdAt: '2026-01-01', settings, status: 'interrupted', metrics: [0, 1].map(point) });
    const fresh = await runs.resume('run-4');
    expect(fresh.metrics()).toEqual([]);
    await settle();
    await settle();
    expect(trainCalls.at(-1)!.resume).toBeUndefined();
    await expect(runs.resume('run-4')).rejects.toThrow(/is running already/);
  });

  it('a run another tab holds cannot be continued here', async () => {
    const manager = new MemoryLockManager();
    const { s, runs, records } = setup(manager);
    await saveBase(s);
    await records.set('run-2', { id: 'run-2', createdAt: '2026-01-01', settings, status: 'running', metrics: [] });
    const otherTab = memoryTabs(manager);
    const release = (await otherTab.tryHold(runLock('run-2')))!;
    await expect(runs.resume('run-2')).rejects.toThrow(/run run-2 is running in another tab of the studio/);
    release();
    const h = await runs.resume('run-2');
    expect(h.id).toBe('run-2');
    expect(await otherTab.tryHold(runLock('run-2'))).toBeUndefined(); // now this tab holds it
  });
});
