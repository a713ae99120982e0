// The engine worker's entry: routes each request to the session with an exhaustive switch and
// answers it exactly once; training events are posted by the session as they happen.
import type { RequestMap, WorkerEvent, WorkerRequest } from './protocol';
import { EngineSession } from './session';

const scope = self as unknown as { postMessage(msg: WorkerEvent, transfer?: Transferable[]): void; onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null };

const post = (msg: WorkerEvent, transfer: Transferable[] = []) => scope.postMessage(msg, transfer);
const session = new EngineSession((event, transfer) => post(event, transfer));

async function handle(req: WorkerRequest): Promise<RequestMap[WorkerRequest['type']]['result']> {
  switch (req.type) {
    case 'init':
      return session.init(req);
    case 'loadModel':
      return session.loadModel(req);
    case 'loadTokenizer':
      return session.loadTokenizer(req);
    case 'importWeights':
      return session.importWeights(req);
    case 'tokenize':
      return session.tokenize(req);
    case 'kernels':
      return session.kernels(req);
    case 'kernelParity':
      return session.kernelParity();
    case 'profileStep':
      return session.profileStep(req);
    case 'profileScoring':
      return session.profileScoring(req);
    case 'deviceCeilings':
      return session.deviceCeilings(req);
    case 'mergeThroughput':
      return session.mergeThroughput(req);
    case 'unloadModel':
      return session.unloadModel(req);
    case 'loadCorpus':
      return session.loadCorpus(req);
    case 'loadSuite':
      return session.loadSuite(req);
    case 'scoreTexts':
      return session.scoreTexts(req);
    case 'tokenCounts':
      return session.tokenCounts(req);
    case 'validationLoss':
      return session.validationLoss(req);
    case 'train':
      return session.train(req);
    case 'control':
      return session.control(req);
    case 'memory':
      return session.memory();
    case 'grow':
      return session.grow(req);
    case 'merge':
      return session.merge(req);
    case 'fisher':
      return session.fisher(req);
    case 'parity':
      return session.parity(req);
    case 'mergeParity':
      return session.mergeParity(req);
    default: {
      const never: never = req;
      throw new Error(`unknown request ${JSON.stringify(never)}`);
    }
  }
}

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
  queue = queue.then(async () => {
    try {
      const result = await handle(req);
      post({ type: 'response', requestId: req.requestId, ok: true, result }, transferablesOf(result));
    } catch (err) {
      post({ type: 'response', requestId: req.requestId, ok: false, error: (err as Error).message ?? String(err) });
    }
  });
};
