// The training loop driven through a fake port in Node: a recorded event list and a clock the test
// moves by hand, so when metrics flush, how much time counts as training and when a run pauses are
// all decided here rather than by the machine's speed.
import { afterEach, describe, expect, it } from 'vitest';
import { referenceKernels } from '../kernels';
import { MixtureSampler } from '../data/sampler';
import { tokenizeBytes } from '../data/tokens';
import { tinyModel } from '../testing/fixtures';
import { validateTrainSettings, type MetricPoint, type TrainSettings } from './settings';
import { Trainer, type StepResult } from './trainer';
import { METRIC_FLUSH_MS, RunControl, restoreRunState, runTrainingLoop, type TrainLoopEvent, type TrainLoopOptions, type TrainLoopPort } from './loop';

const text = tokenizeBytes(new TextEncoder().encode('the cat sat on the mat. a dog ran.\n'.repeat(20)));
const trainers: Trainer[] = [];
afterEach(() => {
  for (const t of trainers.splice(0)) t.dispose();
});

function trainer(over: Record<string, unknown> = {}): Trainer {
  const settings: TrainSettings = validateTrainSettings({ from: 'm', data: [{ corpus: 'c', weight: 1 }], steps: 6, batchSize: 2, seqLen: 8, lr: 1e-3, ...over }, { corpusIds: ['c'], maxPositionEmbeddings: 16 });
  const model = tinyModel({ vocab_size: 259, max_position_embeddings: 16 });
  const t = new Trainer(model.config, model.params, settings, new MixtureSampler([{ id: 'c', weight: 1, text }], 2, 8, settings.seed, 256), referenceKernels);
  for (const p of Object.values(model.params)) p.dispose(); // the trainer holds its own variables
  trainers.push(t);
  return t;
}

/** Records every event; `clock` is the port's time in ms, moved only by the test (or `tickPerCall`). */
function fakePort(tickPerCall = 0): TrainLoopPort & { events: TrainLoopEvent[]; clock: number } {
  const port = {
    events: [] as TrainLoopEvent[],
    clock: 0,
    emit: (e: TrainLoopEvent) => void port.events.push(e),
    now: () => (port.clock += tickPerCall),
  };
  return port;
}

/** Replaces the trainer's step with `wrap(real step)`, e.g. to act between steps or fake a divergence. */
function around(t: Trainer, wrap: (r: StepResult) => StepResult | Promise<StepResult>): void {
  const step = t.runStep.bind(t);
  t.runStep = async () => wrap(await step());
}

const points = (events: TrainLoopEvent[]): MetricPoint[] => events.flatMap((e) => (e.type === 'trainMetrics' ? e.points : []));
const kinds = (events: TrainLoopEvent[]) => events.map((e) => (e.type === 'trainStatus' ? `${e.type}:${e.status}` : e.type));
const options: TrainLoopOptions = { flopsPerStep: 10 };

async function until(ok: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the loop');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('runTrainingLoop', () => {
  it('snapshots every checkpointEvery steps (not at the last), after sending every point so far, and a snapshot resumes exactly', async () => {
    const t = trainer({ checkpointEvery: 2 });
    const port = fakePort();
    await runTrainingLoop(t, port, new RunControl(), options);
    // The clock never moves, so metrics flush only before snapshots and at the end.
    expect(kinds(port.events)).toEqual(['trainMetrics', 'trainCheckpoint', 'trainMetrics', 'trainCheckpoint', 'trainMetrics', 'trainFinished']);
    const checkpoints = port.events.flatMap((e) => (e.type === 'trainCheckpoint' ? [e] : []));
    expect(checkpoints.map((c) => [c.step, c.tokens])).toEqual([[2, 32], [4, 64]]);
    expect(points(port.events).map((p) => [p.step, p.tokens, p.flops])).toEqual([1, 2, 3, 4, 5, 6].map((s) => [s, s * 16, s * 10]));
    const finished = port.events.at(-1)!;
    expect(finished).toMatchObject({ type: 'trainFinished', status: 'completed', step: 6, tokens: 96 });

    // A fresh trainer restored from the step-2 snapshot ends where the uninterrupted run ended
    // (variables are named, so the first trainer goes before the second is made).
    trainers.splice(trainers.indexOf(t), 1);
    t.dispose();
    const resumed = trainer({ checkpointEvery: 2 });
    restoreRunState(resumed, checkpoints[0].state, 2);
    const port2 = fakePort();
    await runTrainingLoop(resumed, port2, new RunControl(), options);
    expect(points(port2.events).map((p) => p.step)).toEqual([3, 4, 5, 6]);
    const last = port2.events.at(-1)!;
    expect(last.type).toBe('trainFinished');
    if (finished.type !== 'trainFinished' || last.type !== 'trainFinished') throw new Error('unreachable');
    expect(new Uint8Array(last.params)).toEqual(new Uint8Array(finished.params));
  });

  it('pauses between steps, counting the pause in wall time and apart in `paused`, resumes, and stops early as "stopped" with a last evaluation', async () => {
    const t = trainer({ steps: 20 });
    const port = fakePort();
    const control = new RunControl();
    around(t, (r) => {
      port.clock += 1000; // each step takes a second of the fake clock
      if (r.step === 2) control.apply('pause');
      if (r.step === 4) control.apply('stop');
      return r;
    });
    let evaluations = 0;
    const evaluate = async () => {
      port.clock += 500; // each evaluation takes half a second
      return { valid: { c: ++evaluations } };
    };
    const done = runTrainingLoop(t, port, control, { ...options, evaluate, elapsed: 100 });
    await until(() => port.events.some((e) => e.type === 'trainStatus'));
    // Paused after step 2: the loop waits, whatever the clock does meanwhile.
    port.clock += 60_000;
    await new Promise((r) => setTimeout(r, 50));
    expect(t.step).toBe(2);
    expect(kinds(port.events)).toEqual(['trainMetrics', 'trainMetrics', 'trainMetrics', 'trainStatus:paused']);
    control.apply('resume');
    await done;
    expect(kinds(port.events)).toEqual(['trainMetrics', 'trainMetrics', 'trainMetrics', 'trainStatus:paused', 'trainStatus:running', 'trainMetrics', 'trainMetrics', 'trainFinished']);
    expect(port.events.at(-1)).toMatchObject({ type: 'trainFinished', status: 'stopped', step: 4, tokens: 64 });
    const sent = points(port.events);
    // Step 0 is evaluated before training, the stopped step 4 as the last; elapsed is wall time on
    // top of the 100 s resumed with: steps, evaluations (timed in evalSeconds) and the minute paused.
    expect(sent.map((p) => [p.step, p.elapsed, p.evalSeconds, p.paused, p.valid?.c])).toEqual([
      [0, 100.5, 0.5, undefined, 1],
      [1, 101.5, undefined, undefined, undefined],
      [2, 102.5, undefined, undefined, undefined],
      [3, 163.5, undefined, 60, undefined],
      [4, 165, 0.5, 60, 2],
    ]);
  });

  it('flushes metrics when the flush interval has passed, not on every step', async () => {
    const t = trainer({ steps: 6 });
    const port = fakePort();
    around(t, (r) => {
      port.clock += METRIC_FLUSH_MS / 2 + 1; // a flush every second step
      return r;
    });
    await runTrainingLoop(t, port, new RunControl(), options);
    expect(port.events.flatMap((e) => (e.type === 'trainMetrics' ? [e.points.map((p) => p.step)] : []))).toEqual([[1, 2], [3, 4], [5, 6]]);
  });

  it('stops a run whose loss turns non-finite before anything from that step is sent or saved, naming the step and the snapshot kept', async () => {
    const t = trainer({ checkpointEvery: 2 });
    const port = fakePort();
    around(t, (r) => (r.step === 3 ? { ...r, loss: NaN } : r));
    await runTrainingLoop(t, port, new RunControl(), options);
    expect(kinds(port.events)).toEqual(['trainMetrics', 'trainCheckpoint', 'trainFailed']);
    expect(points(port.events).map((p) => p.step)).toEqual([1, 2]);
    const failed = port.events.at(-1)!;
    expect(failed.type === 'trainFailed' && failed.error).toBe('training diverged at step 3: loss is NaN; nothing from this step was saved, the run keeps its snapshot of step 2; lower lr (0.001) or keep clipping on');
  });

  it('stops on a non-finite gradient norm too, before any snapshot exists', async () => {
    const t = trainer({ checkpointEvery: 2 });
    const port = fakePort();
    around(t, (r) => (r.step === 1 ? { ...r, gradNorm: Infinity } : r));
    await runTrainingLoop(t, port, new RunControl(), options);
    expect(port.events).toEqual([{ type: 'trainFailed', error: 'training diverged at step 1: gradient norm is Infinity; nothing from this step was saved; lower lr (0.001) or keep clipping on' }]);
  });

  it('reports an error thrown by a step as trainFailed instead of throwing, after the points already made', async () => {
    const t = trainer();
    const port = fakePort();
    around(t, (r) => {
      if (r.step === 2) throw new Error('device lost');
      return r;
    });
    await expect(runTrainingLoop(t, port, new RunControl(), options)).resolves.toBeUndefined();
    expect(port.events).toEqual([{ type: 'trainMetrics', points: [expect.objectContaining({ step: 1 })] }, { type: 'trainFailed', error: 'device lost' }]);
  });
});

describe('RunControl', () => {
  it('whilePaused waits until resume or stop, and returns at once when not paused', async () => {
    const c = new RunControl();
    await c.whilePaused();
    c.apply('pause');
    let woke = false;
    const waiting = c.whilePaused().then(() => (woke = true));
    c.apply('pause'); // a second pause wakes the waiter, which sees it is still paused and waits on
    await new Promise((r) => setTimeout(r, 10));
    expect(woke).toBe(false);
    c.apply('stop');
    await waiting;
    expect([c.pauseRequested, c.stopRequested]).toEqual([true, true]);
  });
});
