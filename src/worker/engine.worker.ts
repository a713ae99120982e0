// The engine worker's entry: queues each request, has the session answer it (session.ts routes it
// to its service by name) and posts exactly one response; training events are posted as they happen.
// The few IMMEDIATE_REQUESTS (stopping a generation) are answered on arrival, outside the queue.
import type { WorkerEvent, WorkerRequest } from './protocol';
import { EngineSession } from './session';
import { IMMEDIATE_REQUESTS } from './services/generate';

const scope = self as unknown as { postMessage(msg: WorkerEvent, transfer?: Transferable[]): void; onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null };

const post = (msg: WorkerEvent, transfer: Transferable[] = []) => scope.postMessage(msg, transfer);
const session = new EngineSession((event, transfer) => post(event, transfer));

/** Buffers among a result's own fields (model tensors) move to the main thread without a copy. */
function transferablesOf(result: unknown): Transferable[] {
  if (typeof result !== 'object' || result === null) return [];
  return Object.values(result).filter((v): v is ArrayBuffer => v instanceof ArrayBuffer);
}

// Requests run one after another: the engine's tensors are not safe under interleaved awaits
// (a score request must not see a model half-loaded). Training loops run beside this queue.
let queue: Promise<unknown> = Promise.resolve();
scope.onmessage = (e) => {
  const req = e.data;
  const answer = async () => {
    try {
      const result = await session.handle(req);
      post({ type: 'response', requestId: req.requestId, ok: true, result }, transferablesOf(result));
    } catch (err) {
      post({ type: 'response', requestId: req.requestId, ok: false, error: (err as Error).message ?? String(err) });
    }
  };
  // A stop for a generation must reach it while the generation holds the queue.
  if (IMMEDIATE_REQUESTS.has(req.type)) void answer();
  else queue = queue.then(answer);
};
