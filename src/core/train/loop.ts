// One training run's loop, wherever it runs (the engine worker, a Node test): steps the Trainer,
// streams metric points in appended batches, evaluates every evalEvery steps, writes a resumable
// snapshot every checkpointEvery steps, honours pause / resume / stop between steps, and stops a
// run whose loss or gradient norm turns non-finite before anything from that step is saved.
// Everything it reports leaves through a TrainLoopPort: the worker tags each event with its run
// id and posts it; a test records them and drives the clock.
import * as tf from '@tensorflow/tfjs';
import { decodeParams, encodeParams, readTensors, toTfTensors } from '../checkpoint/tensors';
import { splitLike } from '../model/shards';
import { encodeSafetensors } from '../checkpoint/safetensors';
import type { MetricPoint } from './settings';
import type { Trainer } from './trainer';

/** Name prefixes of the AdamW moments beside the parameters in a resumable snapshot. */
export const OPTIMIZER_M_PREFIX = 'optimizer.m.';
export const OPTIMIZER_V_PREFIX = 'optimizer.v.';

/** Metrics go out at most this often (plus at every evaluation, before every snapshot and at the end). */
export const METRIC_FLUSH_MS = 250;

/** What a run reports, in the order it happens. */
export type TrainLoopEvent =
  | { type: 'trainMetrics'; points: MetricPoint[] }
  | { type: 'trainStatus'; status: 'running' | 'paused' }
  /** A resumable snapshot: safetensors of the parameters and optimizer moments after `step` steps. */
  | { type: 'trainCheckpoint'; step: number; tokens: number; elapsed: number; state: ArrayBuffer }
  | { type: 'trainFinished'; status: 'completed' | 'stopped'; step: number; tokens: number; params: ArrayBuffer }
  | { type: 'trainFailed'; error: string };

export interface TrainLoopPort {
  /** Called for every event; the buffers in `transfer` are the event's own and may be moved, not copied. */
  emit(event: TrainLoopEvent, transfer?: ArrayBuffer[]): void;
  /** A monotonic clock in milliseconds (performance.now in the worker); elapsed wall time is read from it. */
  now(): number;
}

export type Evaluation = Pick<MetricPoint, 'valid' | 'pairs' | 'samples'>;

export interface TrainLoopOptions {
  /** FLOPs of one optimizer step; metric points carry the cumulative count. */
  flopsPerStep: number;
  /** Scores the model on the run's watched corpora and suites; absent when the run watches nothing. */
  evaluate?: () => Promise<Evaluation>;
  /** Wall seconds of the run before this loop started: its snapshot's elapsed on resume, plus the time loading took. */
  elapsed?: number;
}

export type RunAction = 'pause' | 'resume' | 'stop';

/** Pause, resume and stop requests for one run; the loop reads them between steps. */
export class RunControl {
  private paused = false;
  private stopped = false;
  private wake?: () => void;

  get pauseRequested(): boolean {
    return this.paused;
  }

  get stopRequested(): boolean {
    return this.stopped;
  }

  apply(action: RunAction): void {
    if (action === 'pause') this.paused = true;
    if (action === 'resume') this.paused = false;
    if (action === 'stop') this.stopped = true;
    this.wake?.();
  }

  /** Resolves once the run is resumed or stopped. */
  async whilePaused(): Promise<void> {
    while (this.paused && !this.stopped) await new Promise<void>((r) => (this.wake = r));
    this.wake = undefined;
  }
}

/** Safetensors of the trainer's parameters and AdamW moments, with the step they were taken after. */
export async function encodeRunState(trainer: Trainer): Promise<ArrayBuffer> {
  const state = trainer.optimizer.getState();
  const named = [
    ...(await readTensors(trainer.variables)),
    ...(await readTensors(state.m, OPTIMIZER_M_PREFIX)),
    ...(await readTensors(state.v, OPTIMIZER_V_PREFIX)),
  ];
  return encodeSafetensors(named, { step: String(trainer.step) }).buffer as ArrayBuffer;
}

/** Puts a snapshot from encodeRunState back into a fresh trainer, which then continues at `step`. */
export function restoreRunState(trainer: Trainer, stateBytes: ArrayBuffer, step: number): void {
  const { params, extra } = decodeParams(new Uint8Array(stateBytes), trainer.config, 'resume state', [OPTIMIZER_M_PREFIX, OPTIMIZER_V_PREFIX]);
  tf.tidy(() => {
    // The state holds each weight whole; the trainer may hold some in row shards (model/shards.ts).
    const like = trainer.variables;
    const values = toTfTensors(splitLike(params, like));
    for (const [name, v] of Object.entries(trainer.variables)) v.assign(values[name]);
    const moments = (prefix: string) => toTfTensors(splitLike(extra.filter((t) => t.name.startsWith(prefix)), like, prefix), prefix);
    trainer.optimizer.setState({ step, m: moments(OPTIMIZER_M_PREFIX), v: moments(OPTIMIZER_V_PREFIX) });
  });
  trainer.step = step;
}

/**
 * Trains until the trainer reaches settings.steps or the run is stopped, then reports
 * trainFinished; any error (divergence included) is reported as trainFailed instead. Never
 * throws; the caller disposes the trainer afterwards.
 */
export async function runTrainingLoop(trainer: Trainer, port: TrainLoopPort, control: RunControl, options: TrainLoopOptions): Promise<void> {
  const s = trainer.settings;
  const tokensPerStep = s.batchSize * s.seqLen;
  const { evaluate } = options;
  let pending: MetricPoint[] = [];
  let lastFlush = port.now();
  /** The step of the last snapshot this run sent (0: none yet). */
  let lastSnapshot = 0;
  const flush = () => {
    if (pending.length) port.emit({ type: 'trainMetrics', points: pending });
    pending = [];
    lastFlush = port.now();
  };
  // Wall clock from the run's start (options.elapsed seconds had passed before this loop began):
  // evaluations and pauses count, so elapsed is the time the user waited; `paused` tells pauses apart.
  const origin = port.now() - (options.elapsed ?? 0) * 1000;
  const wall = () => (port.now() - origin) / 1000;
  let paused = 0;
  /** An evaluation with the seconds it took, which ETAs need apart from the steps' time. */
  const timed = async (run: () => Promise<Evaluation>): Promise<Evaluation & { evalSeconds: number }> => {
    const t0 = port.now();
    const result = await run();
    return { ...result, evalSeconds: (port.now() - t0) / 1000 };
  };
  try {
    if (trainer.step === 0 && evaluate) {
      const start = await timed(evaluate);
      pending.push({ step: 0, tokens: 0, flops: 0, loss: null, lr: 0, gradNorm: 0, elapsed: wall(), numTensors: tf.memory().numTensors, ...start });
      flush();
    }
    while (trainer.step < s.steps && !control.stopRequested) {
      if (control.pauseRequested) {
        const pausedFrom = port.now();
        flush();
        port.emit({ type: 'trainStatus', status: 'paused' });
        await control.whilePaused();
        paused += (port.now() - pausedFrom) / 1000;
        port.emit({ type: 'trainStatus', status: 'running' });
        continue;
      }
      const r = await trainer.runStep();
      // A non-finite loss or gradient norm poisons every later step: stop before anything is
      // saved from it; the run keeps its last snapshot (resume from there with a lower lr).
      if (!Number.isFinite(r.loss) || !Number.isFinite(r.gradNorm)) {
        throw new Error(`training diverged at step ${r.step}: ${!Number.isFinite(r.loss) ? `loss is ${r.loss}` : `gradient norm is ${r.gradNorm}`}; nothing from this step was saved${lastSnapshot ? `, the run keeps its snapshot of step ${lastSnapshot}` : ''}; lower lr (${s.lr}) or keep clipping on`);
      }
      const point: MetricPoint = { step: r.step, tokens: r.step * tokensPerStep, flops: r.step * options.flopsPerStep, loss: r.loss, lr: r.lr, gradNorm: r.gradNorm, elapsed: wall(), ...(paused > 0 ? { paused } : {}), numTensors: tf.memory().numTensors };
      const last = r.step === s.steps || control.stopRequested;
      const evaluated = evaluate !== undefined && ((s.evalEvery > 0 && r.step % s.evalEvery === 0) || last);
      if (evaluated) {
        Object.assign(point, await timed(evaluate));
        point.elapsed = wall(); // the point is complete once its evaluation is
      }
      pending.push(point);
      if (evaluated || last || port.now() - lastFlush > METRIC_FLUSH_MS) flush();
      if (s.checkpointEvery > 0 && r.step % s.checkpointEvery === 0 && !last) {
        // The snapshot record carries the metrics seen so far, and a resume keeps only points
        // up to its step: points still pending here would be lost for good.
        flush();
        const state = await encodeRunState(trainer);
        lastSnapshot = r.step;
        port.emit({ type: 'trainCheckpoint', step: r.step, tokens: r.step * tokensPerStep, elapsed: wall(), state }, [state]);
      }
    }
    flush();
    const params = (await encodeParams(trainer.variables)).buffer as ArrayBuffer;
    port.emit({ type: 'trainFinished', status: trainer.step >= s.steps ? 'completed' : 'stopped', step: trainer.step, tokens: trainer.step * tokensPerStep, params }, [params]);
  } catch (e) {
    flush();
    port.emit({ type: 'trainFailed', error: (e as Error).message });
  }
}
