// The engine inside the worker: the shared state (engine.ts) and one handler table composed from
// the services, one per feature. A request reaches its handler by name: handle() looks its type up
// in the table; the table's type is Handlers<RequestMap>, so a request without a handler does not
// compile. The handlers are also the session's own methods, for tests that drive it in Node.
import type { Emit } from './events';
import { Engine, type Handlers } from './engine';
import type { RequestMap, RequestType, WorkerRequest } from './protocol';
import { modelsService } from './services/models';
import { trainService } from './services/train';
import { growService } from './services/grow';
import { mergeService } from './services/merge';
import { evaluateService } from './services/evaluate';
import { gpuService } from './services/gpu';
import { generateService } from './services/generate';

/** Calls the handler `type` names; generic in K so the argument and result types follow the name. */
async function dispatch<K extends RequestType>(handlers: Handlers<RequestMap>, type: K, args: RequestMap[K]['args']): Promise<RequestMap[K]['result']> {
  return handlers[type](args);
}

// The class and this interface merge: every handler is a method of the session (filled in by the
// constructor from a table the compiler has checked against RequestMap).
export interface EngineSession extends Handlers<RequestMap> {}

export class EngineSession {
  private readonly handlers: Handlers<RequestMap>;

  constructor(emit: Emit) {
    const engine = new Engine(emit);
    this.handlers = {
      ...modelsService(engine),
      ...trainService(engine),
      ...growService(engine),
      ...mergeService(engine),
      ...evaluateService(engine),
      ...gpuService(engine),
      ...generateService(engine),
    };
    Object.assign(this, this.handlers);
  }

  /** Answers one request from the worker's message queue. */
  handle(req: WorkerRequest): Promise<RequestMap[RequestType]['result']> {
    return dispatch(this.handlers, req.type, req);
  }
}
