// The main thread's handle on the engine worker: typed request/response calls and a subscription
// to training events, job progress and generated tokens. Nothing else on the main thread talks to
// the worker directly.
import type { EngineEvent, RequestMap, RequestType, TrainEvent, WorkerEvent, WorkerRequest } from './protocol';
import type { GenerationStep } from '../core/model/generate';

type Listener = (event: TrainEvent) => void;

export class EngineClient {
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private listeners = new Set<Listener>();
  private jobListeners = new Map<string, (done: number, total: number) => void>();
  private tokenListeners = new Map<string, (step: GenerationStep) => void>();

  constructor(private readonly worker: Worker) {
    worker.onmessage = (e: MessageEvent<WorkerEvent>) => this.receive(e.data);
    worker.onerror = (e) => {
      const err = new Error(`engine worker failed: ${e.message}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
  }

  static start(): EngineClient {
    return new EngineClient(new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module' }));
  }

  call<K extends RequestType>(type: K, args: RequestMap[K]['args'], transfer: Transferable[] = []): Promise<RequestMap[K]['result']> {
    const requestId = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...args, type, requestId } as WorkerRequest, transfer);
    });
  }

  /** Follows the progress of a merge or Fisher job until `off` is called. */
  onJobProgress(jobId: string, listener: (done: number, total: number) => void): () => void {
    this.jobListeners.set(jobId, listener);
    return () => this.jobListeners.delete(jobId);
  }

  /** Follows the tokens of generation `jobId` as they come until `off` is called. */
  onGeneratedToken(jobId: string, listener: (step: GenerationStep) => void): () => void {
    this.tokenListeners.set(jobId, listener);
    return () => this.tokenListeners.delete(jobId);
  }

  onTrainEvent(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private receive(msg: WorkerEvent | EngineEvent): void {
    if (msg.type === 'response') {
      const p = this.pending.get(msg.requestId);
      if (!p) return;
      this.pending.delete(msg.requestId);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(msg.error));
      return;
    }
    if (msg.type === 'jobProgress') {
      this.jobListeners.get(msg.jobId)?.(msg.done, msg.total);
      return;
    }
    if (msg.type === 'generateToken') {
      this.tokenListeners.get(msg.jobId)?.(msg.step);
      return;
    }
    for (const l of this.listeners) l(msg);
  }
}
