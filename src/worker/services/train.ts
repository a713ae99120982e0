// Training runs: `train` validates and sets a run up, answers, and leaves the run to the loop in
// core/train/loop.ts, whose events it tags with the run id and posts; `control` pauses, resumes
// or stops a run between steps.
import { MixtureSampler } from '../../core/data/sampler';
import { trainingFlopsPerToken } from '../../core/model/weights';
import { RunControl, restoreRunState, runTrainingLoop, type RunAction, type TrainLoopPort } from '../../core/train/loop';
import type { TrainSettings } from '../../core/train/settings';
import { Trainer } from '../../core/train/trainer';
import type { Engine, Handlers } from '../engine';
import { evaluateRun } from './evaluate';
import { tuneForRun } from './gpu';

export interface ResumeState {
  /** safetensors with the parameters and `optimizer.m.*` / `optimizer.v.*` moments. */
  state: ArrayBuffer;
  step: number;
  tokens: number;
  elapsed: number;
}

export interface TrainRequests {
  /** `loadSeconds`: wall time from the user's request to this call (model and data loading), part of the run's elapsed. */
  train: { args: { runId: string; modelId: string; settings: TrainSettings; trainable?: string[]; resume?: ResumeState; loadSeconds?: number }; result: null };
  control: { args: { runId: string; action: RunAction }; result: null };
}

export function trainService(engine: Engine): Handlers<TrainRequests> {
  return {
    /** Validates and sets up a run, answers, then trains in the background, streaming events. */
    async train(a) {
      if (engine.runs.has(a.runId)) throw new Error(`run ${a.runId} is already running`);
      const m = engine.model(a.modelId);
      const s = a.settings;
      const sources = s.data.map((d) => {
        const train = engine.corpus(d.corpus, m).train;
        if (!train) throw new Error(`corpus ${d.corpus} has no training text loaded`);
        if (train.ids.length < s.seqLen + 1) {
          throw new Error(`corpus ${d.corpus} has ${train.ids.length} training tokens, fewer than one sequence of seqLen ${s.seqLen}; choose a shorter seqLen or a bigger corpus`);
        }
        return { id: d.corpus, weight: d.weight, text: train };
      });
      for (const w of s.watch) engine.corpus(w, m);
      for (const id of s.evalSuites) engine.suite(id);
      const sampler = new MixtureSampler(sources, s.batchSize, s.seqLen, s.seed, m.tokenizer.bos);
      // A pass's shapes not yet timed on this adapter are, where the tuning policy says so.
      const passTokens = (s.microBatch || s.batchSize) * s.seqLen;
      await tuneForRun(engine, m.config, passTokens, s.seqLen, trainingFlopsPerToken(m.config, s.seqLen) * passTokens);
      // The run keeps the kernels it started with; a later choice applies to later runs.
      const trainer = new Trainer(m.config, m.params, s, sampler, engine.kernels, a.trainable);
      if (a.resume) {
        try {
          restoreRunState(trainer, a.resume.state, a.resume.step);
        } catch (e) {
          trainer.dispose();
          throw e;
        }
      }
      const control = new RunControl();
      engine.runs.set(a.runId, control);
      const port: TrainLoopPort = { emit: (event, transfer) => engine.emit({ ...event, runId: a.runId }, transfer), now: () => performance.now() };
      const watches = s.watch.length > 0 || s.evalSuites.length > 0;
      const options = {
        flopsPerStep: trainingFlopsPerToken(m.config, s.seqLen) * s.batchSize * s.seqLen,
        evaluate: watches ? () => evaluateRun(engine, trainer, m) : undefined,
        elapsed: (a.resume?.elapsed ?? 0) + (a.loadSeconds ?? 0),
      };
      void runTrainingLoop(trainer, port, control, options).finally(() => {
        engine.runs.delete(a.runId);
        trainer.dispose();
      });
      return null;
    },

    control(a) {
      const run = engine.runs.get(a.runId);
      if (!run) throw new Error(`run ${a.runId} is not running`);
      run.apply(a.action);
      return null;
    },
  };
}
