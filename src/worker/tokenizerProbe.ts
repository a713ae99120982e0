// Runs the tokenizer probe in its own Web Worker with a time limit per step proportional to the
// step's text, and terminates the worker when a step outruns it: the import is then refused with
// the message of core/tokenizer/probe.ts, naming the regex that hung. The page never runs the
// tokenizer's regexes itself.
import { failureMessage, type ProbeEvent, probePlan, ProbeWatch } from '../core/tokenizer/probe';
import type { HfTokenizerFiles } from '../core/tokenizer/hf';

/** What the client needs of a worker: a Web Worker, or a stand-in in tests. */
export interface ProbeWorker {
  postMessage(msg: unknown): void;
  terminate(): void;
  onmessage: ((e: { data: ProbeEvent }) => void) | null;
  onerror: ((e: { message?: string }) => void) | null;
}

export interface ProbeOptions {
  spawn?: () => ProbeWorker;
  now?: () => number;
  /** Time the worker has to load its code before the first step, in ms. */
  startMs?: number;
  /**
   * After a deadline passes, how long to wait for a step message already on its way: a main
   * thread that was busy may hold messages the worker sent in time.
   */
  graceMs?: number;
}

export interface ProbeResult {
  steps: number;
  /** Wall time in the worker, building the tokenizer included. */
  ms: number;
}

const spawnBrowserWorker = (): ProbeWorker => new Worker(new URL('./tokenizerProbe.worker.ts', import.meta.url), { type: 'module' }) as unknown as ProbeWorker;

/** Resolves when every probe step ran within its budget; rejects with the refusal otherwise. */
export function probeTokenizer(files: HfTokenizerFiles, json: Record<string, unknown>, options: ProbeOptions = {}): Promise<ProbeResult> {
  const { spawn = spawnBrowserWorker, now = () => performance.now(), startMs = 30_000, graceMs = 150 } = options;
  const plan = probePlan(json);
  const watch = new ProbeWatch(plan, files.tokenizer.length);
  return new Promise<ProbeResult>((resolve, reject) => {
    const worker = spawn();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settled = false;
    const finish = (error: string | undefined, result?: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.terminate();
      if (error === undefined) resolve(result!);
      else reject(new Error(error));
    };
    const arm = (at: number, onFire: () => void) => {
      clearTimeout(timer);
      timer = setTimeout(onFire, Math.max(0, at - now()));
    };
    const check = () => {
      if (!watch.overdue(now())) return arm(watch.deadline(), check);
      const step = watch.step;
      arm(now() + graceMs, () => (watch.step === step ? finish(watch.message()) : check()));
    };
    worker.onmessage = ({ data }) => {
      if (data.type === 'step') {
        watch.started(data.index, now());
        arm(watch.deadline(), check);
      } else if (data.type === 'failed') finish(failureMessage(plan, data.index, data.error));
      else finish(undefined, { steps: data.steps, ms: data.ms });
    };
    worker.onerror = (e) => finish(`the tokenizer check could not run: ${e.message ?? 'the worker failed'}`);
    arm(now() + startMs, () => finish(`the tokenizer check did not start within ${startMs / 1000} s`));
    worker.postMessage({ files: { tokenizer: files.tokenizer, config: files.config } });
  });
}
