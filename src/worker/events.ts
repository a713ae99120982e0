// What the engine posts to the main thread besides responses: each training run's events
// (core/train/loop.ts reports them, the train service tags them with the run id), job progress,
// and the tokens of a streamed generation as they come.
import type { TrainLoopEvent } from '../core/train/loop';
import type { GenerationStep } from '../core/model/generate';

/** A training run's event, tagged with the run it belongs to. */
export type TrainEvent = TrainLoopEvent & { runId: string };

/** Progress of an import, merge or Fisher job: done of total units (bytes, tensors or samples). */
export interface JobProgressEvent {
  type: 'jobProgress';
  jobId: string;
  done: number;
  total: number;
}

/** One new token of the generation `jobId` (services/generate.ts), with the text so far. */
export interface GenerateTokenEvent {
  type: 'generateToken';
  jobId: string;
  step: GenerationStep;
}

export type EngineEvent = TrainEvent | JobProgressEvent | GenerateTokenEvent;

/** Posts an event to the main thread; buffers in `transfer` move without a copy. */
export type Emit = (event: EngineEvent, transfer?: Transferable[]) => void;
