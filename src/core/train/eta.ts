// Time left of a training run, from what its own metric points measured: the remaining steps at
// the recent seconds per training step, plus the remaining evaluation points at the seconds the
// last evaluation took. Before an evaluation is timed (a run resumed from an older record), or
// while only the first one is (it compiles kernels too) and the estimate is lower, its cost is
// estimated from the tokens it scores and the training throughput, and says so.
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
 * evaluations and pauses inside that span. The first step of the points (it compiles the
 * kernels, several times a later step on software WebGPU) only starts the span, so there is no
 * step time until a second step is reported.
 */
export function secondsPerStep(metrics: MetricPoint[]): number | undefined {
  const firstStep = metrics.findIndex((p) => p.step > 0);
  if (firstStep < 0 || firstStep === metrics.length - 1) return undefined;
  const lastIndex = metrics.length - 1;
  const refIndex = Math.max(firstStep, lastIndex - RATE_WINDOW);
  const seconds = trainingSecondsBetween(metrics, refIndex, lastIndex);
  const steps = metrics[lastIndex].step - metrics[refIndex].step;
  return steps > 0 && seconds > 0 ? seconds / steps : undefined;
}

/**
 * Seconds spent training between points `from` and `to` (indices) of a run: the wall time
 * between them less the evaluations reported after `from` up to `to` and the pauses in between.
 * The one timing rule of the ETA (secondsPerStep) and the device's rate (duration.ts).
 */
export function trainingSecondsBetween(metrics: MetricPoint[], from: number, to: number): number {
  let evals = 0;
  for (let i = from + 1; i <= to; i++) evals += metrics[i].evalSeconds ?? 0;
  return metrics[to].elapsed - metrics[from].elapsed - (pausedAt(metrics[to]) - pausedAt(metrics[from])) - evals;
}

/** The last evaluation timed, if any point of the run carries one, and whether it was the run's first. */
export function lastEvaluation(metrics: MetricPoint[]): { seconds: number; first: boolean } | undefined {
  let found: number | undefined;
  let count = 0;
  for (let i = metrics.length - 1; i >= 0; i--) {
    const t = metrics[i].evalSeconds;
    if (t === undefined) continue;
    found ??= t;
    if (++count > 1) break;
  }
  return found === undefined ? undefined : { seconds: found, first: count === 1 };
}

/**
 * Tokens one evaluation of a run scores: its watched corpora's eval tokens, and its suites' pairs
 * with both sentences counted at seqLen (an upper bound; only the estimate before an evaluation
 * is timed uses it).
 */
export function evalTokensOf(s: Pick<TrainSettings, 'watch' | 'evalTokens' | 'evalSuites' | 'evalPairs' | 'seqLen'>): number {
  return s.watch.length * s.evalTokens + (s.evalSuites?.length ?? 0) * s.evalPairs * 2 * s.seqLen;
}

/** Time left of a run after its points so far; undefined until a training step after the first is timed. */
export function runEta(metrics: MetricPoint[], run: RunShape): RunEta | undefined {
  const stepSeconds = secondsPerStep(metrics);
  if (stepSeconds === undefined) return undefined;
  const last = metrics[metrics.length - 1];
  const evaluates = run.evalTokens > 0;
  const left = evaluates ? evaluationsLeft(last.step, run.steps, run.evalEvery, metrics.some((p) => p.step === 0)) : 0;
  const trainTokensPerSecond = run.tokensPerStep / stepSeconds;
  const estimate = (run.evalTokens * FORWARD_SHARE) / trainTokensPerSecond;
  const timed = evaluates ? lastEvaluation(metrics) : { seconds: 0, first: false };
  // The run's first evaluation also compiles the evaluation kernels: until a later one is timed
  // it bounds the cost from above, and the estimate from tokens is used where it is lower.
  const useEstimate = timed === undefined || (timed.first && estimate < timed.seconds);
  const evalSeconds = useEstimate ? estimate : timed.seconds;
  return {
    seconds: Math.max(0, run.steps - last.step) * stepSeconds + left * evalSeconds,
    stepSeconds,
    evalSeconds,
    evaluationsLeft: left,
    evalEstimated: useEstimate,
  };
}
