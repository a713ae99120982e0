// The typed protocol between the main thread and the engine worker. Each service under services/
// declares its fragment of the request map beside its handlers; RequestMap is their union, so a
// request name belongs to exactly one service. Requests carry an id and get exactly one response;
// training streams events. Tensors cross as transferred ArrayBuffers (safetensors bytes), metrics
// in appended batches.
import type { EngineEvent } from './events';
import type { ModelsRequests } from './services/models';
import type { TrainRequests } from './services/train';
import type { GrowRequests } from './services/grow';
import type { MergeRequests } from './services/merge';
import type { EvaluateRequests } from './services/evaluate';
import type { GpuRequests } from './services/gpu';
import type { GenerateRequests } from './services/generate';

// Types the main thread reads from here, wherever they are declared.
export type { BackendInfo, BackendName } from '../gpu/types';
export type { EngineEvent, GenerateTokenEvent, JobProgressEvent, TrainEvent } from './events';
export type { GrowOutcome } from './services/grow';
export type { ResumeState } from './services/train';
export type { MemoryInfo } from './services/gpu';

/**
 * Request name -> its arguments and the result of its response. Interfaces that extend
 * several must agree on every shared name, so two services cannot claim one request differently.
 */
export interface RequestMap extends ModelsRequests, TrainRequests, GrowRequests, MergeRequests, EvaluateRequests, GpuRequests, GenerateRequests {}

export type RequestType = keyof RequestMap;

export type WorkerRequest = { [K in RequestType]: { type: K; requestId: number } & RequestMap[K]['args'] }[RequestType];

export type WorkerEvent =
  | { type: 'response'; requestId: number; ok: true; result: unknown }
  | { type: 'response'; requestId: number; ok: false; error: string }
  | EngineEvent;
