// Scoring a loaded model: per-text log-probabilities, token counts, validation loss on a corpus,
// and the evaluation a training run does between steps (watched corpora and minimal-pair suites).
import { continuationTokens, scoreTexts, validationBatchRows, validationLoss } from '../../core/eval/score';
import { trainingFlopsPerToken } from '../../core/model/weights';
import { pairAccuracy, samplePairs, type PairRule } from '../../core/eval/minimalPairs';
import type { MinimalPair } from '../../core/eval/suites/types';
import type { Evaluation } from '../../core/train/loop';
import { corpusSample } from '../../core/train/samples';
import type { Trainer } from '../../core/train/trainer';
import type { Engine, Handlers, LoadedModel } from '../engine';
import { tuneForRun } from './gpu';

export interface EvaluateRequests {
  /** Pairs for evaluation while training, scored by `rule` (lm-eval's rule for the suite's format). */
  loadSuite: { args: { suiteId: string; pairs: MinimalPair[]; rule: PairRule }; result: null };
  scoreTexts: { args: { modelId: string; texts: string[] }; result: number[] };
  /** Tokens scoreTexts scores of each text (after the prefix token), to tell which need sliding windows. */
  tokenCounts: { args: { modelId: string; texts: string[] }; result: number[] };
  validationLoss: { args: { modelId: string; corpusId: string; seqLen: number; maxTokens: number }; result: number };
}

export function evaluateService(engine: Engine): Handlers<EvaluateRequests> {
  return {
    loadSuite(a) {
      engine.suites.set(a.suiteId, { pairs: a.pairs, rule: a.rule });
      return null;
    },

    async scoreTexts(a) {
      const m = engine.model(a.modelId);
      return scoreTexts(m, m.tokenizer, a.texts, engine.kernels);
    },

    async tokenCounts(a) {
      const m = engine.model(a.modelId);
      return a.texts.map((t) => continuationTokens(m.tokenizer, t).length);
    },

    async validationLoss(a) {
      const m = engine.model(a.modelId);
      const text = engine.corpus(a.corpusId, m).valid;
      const o = { seqLen: a.seqLen, maxTokens: a.maxTokens };
      // A scoring batch's shapes not yet timed on this adapter are, where the tuning policy says
      // so: its forward products and attention are those of a training pass of the same shape.
      const tokens = validationBatchRows(m, text, o) * a.seqLen;
      await tuneForRun(engine, m.config, tokens, a.seqLen, (trainingFlopsPerToken(m.config, a.seqLen) / 3) * tokens);
      return validationLoss(m, m.tokenizer.bos, text, o, engine.kernels);
    },
  };
}

/**
 * The run's model as it trains, on its watched corpora (validation loss, and a greedy sample of
 * sampleTokens after each corpus's fixed prompt) and suites (pair accuracy), computed with the
 * kernels the run started with.
 */
export async function evaluateRun(engine: Engine, trainer: Trainer, m: LoadedModel): Promise<Evaluation> {
  const s = trainer.settings;
  const out: Evaluation = {};
  if (s.watch.length) out.valid = {};
  for (const id of s.watch) out.valid![id] = await validationLoss(trainer.model, m.tokenizer.bos, engine.corpus(id, m).valid, { seqLen: s.seqLen, maxTokens: s.evalTokens }, trainer.kernels);
  if (s.watch.length && s.sampleTokens > 0) out.samples = {};
  for (const id of s.watch) if (out.samples) out.samples[id] = await corpusSample(trainer.model, m.tokenizer, engine.corpus(id, m).valid, s.sampleTokens, trainer.kernels);
  if (s.evalSuites.length) out.pairs = {};
  for (const id of s.evalSuites) {
    const suite = engine.suite(id);
    out.pairs![id] = await pairAccuracy(samplePairs(suite.pairs, s.evalPairs), suite.rule, (texts) => scoreTexts(trainer.model, m.tokenizer, texts, trainer.kernels));
  }
  return out;
}
