// What the engine posts to the main thread besides responses: each training run's events
// (core/train/loop.ts reports them, the train service tags them with the run id) and job progress.
import type { TrainLoopEvent } from '../core/train/loop';

/** A training run's event, tagged with the run it belongs to. */
export type TrainEvent = TrainLoopEvent & { runId: string };

/** Progress of an import, merge or Fisher job: done of total units (bytes, tensors or samples). */
export interface JobProgressEvent {
  type: 'jobProgress';
  jobId: string;
  done: number;
  total: number;
}

export type EngineEvent = TrainEvent | JobProgressEvent;

/** Posts an event to the main thread; buffers in `transfer` move without a copy. */
export type Emit = (event: EngineEvent, transfer?: Transferable[]) => void;
