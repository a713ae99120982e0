// Time left of a training run, from what its own metric points measured: the remaining steps at
// the recent seconds per training step, plus the remaining evaluation points at the seconds the
// last evaluation took. Before any evaluation is timed (a run resumed from an older record), its
// cost is estimated from the tokens it scores and the training throughput, and says so.
import type { MetricPoint, TrainSettings } from './settings';

/** Step time is measured over this many recent points, so it follows speed changes. */
export const RATE_WINDOW = 20;

/**
 * A forward pass costs about a third of a training step per token (2N of the 6N FLOPs per
 * token: forward, backward through activations, backward through weights).
 */
export const FORWARD_SHARE = 1 / 3;

/** What the ETA needs of a run's settings. */
export interface RunShape {
  steps: number;
  evalEvery: number;
  /** Tokens one step trains on (batch size x seq len). */
  tokensPerStep: number;
  /** Tokens one evaluation scores (watched corpora x eval tokens, suite sentences); 0: the run evaluates nothing. */
  evalTokens: number;
}

export interface RunEta {
  /** Seconds left: training steps and evaluation points together. */
  seconds: number;
  stepSeconds: number;
  /** Seconds one evaluation point takes: measured (the last one) or estimated. */
  evalSeconds: number;
  evaluationsLeft: number;
  /** evalSeconds is an estimate from evalTokens and the training throughput, not a measurement. */
  evalEstimated: boolean;
}

/** Cumulative seconds paused up to this point. */
const pausedAt = (p: MetricPoint): number => p.paused ?? 0;

/**
 * Evaluation points the loop still makes after `step` of `steps`: every evalEvery steps and at
 * the last step; plus the one at step 0 while it has not been reported.
 */
export function evaluationsLeft(step: number, steps: number, evalEvery: number, startEvaluated: boolean): number {
  const atStart = step === 0 && !startEvaluated ? 1 : 0;
  if (step >= steps) return atStart;
  const periodic = evalEvery > 0 ? Math.floor(steps / evalEvery) - Math.floor(step / evalEvery) : 0;
  const lastIsPeriodic = evalEvery > 0 && steps % evalEvery === 0;
  return atStart + periodic + (lastIsPeriodic ? 0 : 1);
}

/**
 * Seconds per training step over the last RATE_WINDOW points: wall time between them less the
 * evaluations and pauses inside that span. The run's first step (it compiles the kernels) is
 * left out once a later one is timed; one training point alone is timed from the run's start.
 */
export function secondsPerStep(metrics: MetricPoint[]): number | undefined {
  const last = metrics[metrics.length - 1];
  if (!last || last.step === 0) return undefined;
  const firstStep = metrics.findIndex((p) => p.step > 0);
  const refIndex = Math.max(firstStep < metrics.length - 1 ? firstStep : 0, metrics.length - 1 - RATE_WINDOW);
  const ref = refIndex < metrics.length - 1 ? metrics[refIndex] : undefined;
  let evals = 0;
  for (let i = refIndex + (ref ? 1 : 0); i < metrics.length; i++) evals += metrics[i].evalSeconds ?? 0;
  const seconds = last.elapsed - (ref?.elapsed ?? 0) - (pausedAt(last) - (ref ? pausedAt(ref) : 0)) - evals;
  const steps = last.step - (ref?.step ?? 0);
  return steps > 0 && seconds > 0 ? seconds / steps : undefined;
}

/** The last evaluation's duration, if any point of the run carries one. */
export function lastEvalSeconds(metrics: MetricPoint[]): number | undefined {
  for (let i = metrics.length - 1; i >= 0; i--) if (metrics[i].evalSeconds !== undefined) return metrics[i].evalSeconds;
  return undefined;
}

/**
 * Tokens one evaluation of a run scores: its watched corpora's eval tokens, and its suites' pairs
 * with both sentences counted at seqLen (an upper bound; only the estimate before an evaluation
 * is timed uses it).
 */
export function evalTokensOf(s: Pick<TrainSettings, 'watch' | 'evalTokens' | 'evalSuites' | 'evalPairs' | 'seqLen'>): number {
  return s.watch.length * s.evalTokens + (s.evalSuites?.length ?? 0) * s.evalPairs * 2 * s.seqLen;
}

/** Time left of a run after its points so far; undefined until a training step is timed. */
export function runEta(metrics: MetricPoint[], run: RunShape): RunEta | undefined {
  const stepSeconds = secondsPerStep(metrics);
  if (stepSeconds === undefined) return undefined;
  const last = metrics[metrics.length - 1];
  const evaluates = run.evalTokens > 0;
  const left = evaluates ? evaluationsLeft(last.step, run.steps, run.evalEvery, metrics.some((p) => p.step === 0)) : 0;
  const measured = evaluates ? lastEvalSeconds(metrics) : 0;
  const trainTokensPerSecond = run.tokensPerStep / stepSeconds;
  const evalSeconds = measured ?? (run.evalTokens * FORWARD_SHARE) / trainTokensPerSecond;
  return {
    seconds: Math.max(0, run.steps - last.step) * stepSeconds + left * evalSeconds,
    stepSeconds,
    evalSeconds,
    evaluationsLeft: left,
    evalEstimated: measured === undefined,
  };
}
