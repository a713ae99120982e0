// The state every service of the engine shares: the models, corpora and suites the main thread
// handed over, the runs training now, and the Kernels value built for the started backend. Also
// the two pieces every service uses the same way: the handler table's type and `exclusive`, the
// guard for work that needs the GPU to itself.
import type { LlamaModel } from '../core/model/llama';
import type { Tokenizer } from '../core/tokenizer/tokenizer';
import type { MinimalPair } from '../core/eval/suites/types';
import type { PairRule } from '../core/eval/minimalPairs';
import type { RunControl } from '../core/train/loop';
import { referenceKernels, type Kernels } from '../core/kernels';
import { DEFAULT_KERNEL_CHOICE, type KernelChoice, type KernelTarget } from '../gpu/register';
import type { KernelTuner } from '../gpu/autotune/tuner';
import { TextLibrary, type TokenizedCorpus } from './texts';
import type { Emit } from './events';

/**
 * One handler per request of a fragment of the request map (a service's requests), typed by it:
 * a service that leaves one of its requests out, or answers with the wrong type, does not compile.
 */
export type Handlers<M extends { [K in keyof M]: { args: unknown; result: unknown } }> = {
  [K in keyof M]: (args: M[K]['args']) => M[K]['result'] | Promise<M[K]['result']>;
};

export interface LoadedModel extends LlamaModel {
  tokenizer: Tokenizer;
}

/** Minimal pairs handed over for evaluation while training, with lm-eval's rule for their format. */
export interface LoadedSuite {
  pairs: MinimalPair[];
  rule: PairRule;
}

export class Engine {
  readonly models = new Map<string, LoadedModel>();
  readonly texts = new TextLibrary();
  readonly suites = new Map<string, LoadedSuite>();
  /** The runs training now, by id; while there is one, `exclusive` handlers refuse. */
  readonly runs = new Map<string, RunControl>();
  /** The started backend (CPU until init), the user's kernel choice, and the value built from both. */
  target: KernelTarget = { backend: 'cpu', rowLayout: 'workgroup' };
  choice: KernelChoice = DEFAULT_KERNEL_CHOICE;
  kernels: Kernels = referenceKernels;
  /** The kernel tuner of the started WebGPU adapter (services/gpu.ts); absent on the CPU. */
  tuner?: KernelTuner;

  constructor(readonly emit: Emit) {}

  model(id: string): LoadedModel {
    const m = this.models.get(id);
    if (!m) throw new Error(`model ${id} is not loaded in the engine`);
    return m;
  }

  unloadModel(id: string): void {
    const m = this.models.get(id);
    if (m) for (const t of Object.values(m.params)) t.dispose();
    this.models.delete(id);
  }

  suite(id: string): LoadedSuite {
    const s = this.suites.get(id);
    if (!s) throw new Error(`suite ${id} is not loaded in the engine`);
    return s;
  }

  /** The corpus as `model`'s tokenizer sees it. */
  corpus(id: string, model: LoadedModel): TokenizedCorpus {
    return this.texts.corpus(id, model.tokenizer);
  }

  /** Reports a job's progress (done of total units) to whoever follows `jobId`. */
  progress(jobId: string): (done: number, total: number) => void {
    return (done, total) => this.emit({ type: 'jobProgress', jobId, done, total });
  }

  /**
   * `handler`, refusing while any run trains: for work that measures the GPU, switches backends
   * or drops the models a run computes with, none of which may interleave with a run's steps.
   */
  exclusive<A, R>(what: string, handler: (args: A) => Promise<R>): (args: A) => Promise<R> {
    return async (args) => {
      const ids = [...this.runs.keys()];
      if (ids.length) {
        const training = ids.length === 1 ? `run ${ids[0]} is training` : `runs ${ids.join(', ')} are training`;
        throw new Error(`${what} needs the GPU to itself, but ${training}; wait until training has finished or stop the run`);
      }
      return handler(args);
    };
  }
}
