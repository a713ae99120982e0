// How long a recipe takes on this device, from what this device measured rather than fixed text:
// whole experiments that ran here (wall seconds per planned training FLOP, every stage included)
// give the whole time; failing those, the FLOP rate of the latest training runs, timed between
// their steps, gives the training steps' part; with neither, it says so.
import { formatFlops } from '../numeric/formatFlops';
import { trainingSecondsBetween } from '../train/eta';
import type { MetricPoint } from '../train/settings';

/** The latest runs that count: a rate follows the device's current backend and kernels. */
export const RATE_RUNS = 5;

export interface DeviceRate {
  /** FLOP/s of the latest runs together: their FLOPs over their wall seconds. */
  flopsPerSecond: number;
  runs: number;
}

/** A run as the estimate reads it: when it was made and its metric points. */
export interface TimedRun {
  createdAt: string;
  metrics: MetricPoint[];
}

/**
 * The training FLOPs and seconds of one run's steps: from its first training point (that step
 * compiles the kernels) to its last, less the evaluations and pauses in between, so a short run
 * is not read as slow for the loading and evaluating a longer one spreads thin. Undefined when
 * the run has fewer than two training points.
 */
export function timedTraining(metrics: MetricPoint[]): { flops: number; seconds: number } | undefined {
  const first = metrics.findIndex((p) => p.step > 0);
  const last = metrics.findLastIndex((p) => p.step > 0);
  if (first < 0 || last === first) return undefined;
  const seconds = trainingSecondsBetween(metrics, first, last);
  const flops = metrics[last].flops - metrics[first].flops;
  return seconds > 0 && flops > 0 ? { flops, seconds } : undefined;
}

/**
 * Training FLOPs per second of the newest RATE_RUNS runs that trained at least two steps, timed
 * between steps (timedTraining), or undefined when this device has none.
 */
export function measuredRate(runs: TimedRun[]): DeviceRate | undefined {
  const rates = runs
    .flatMap((r) => {
      const timed = timedTraining(r.metrics);
      return timed ? [{ at: r.createdAt, ...timed }] : [];
    })
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, RATE_RUNS);
  if (rates.length === 0) return undefined;
  return { flopsPerSecond: rates.reduce((a, r) => a + r.flops, 0) / rates.reduce((a, r) => a + r.seconds, 0), runs: rates.length };
}

/** Seconds to "45 s", "3 min", "1.5 h": a rough figure, as an estimate should read. */
export function roughDuration(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toPrecision(2)} h`;
}

/** "1–2 min", "40 s–3 min", or one figure when both ends read the same. */
export function roughRange(low: number, high: number): string {
  const a = roughDuration(low);
  const b = roughDuration(high);
  if (a === b) return a;
  const [na, ua] = a.split(' ');
  const [nb, ub] = b.split(' ');
  return ua === ub ? `${na}–${nb} ${ub}` : `${a}–${b}`;
}

/** GFLOP/s with three significant digits ("0.912 GFLOP/s"), from formatFlops. */
export function formatRate(flopsPerSecond: number): string {
  return `${formatFlops(flopsPerSecond)}/s`;
}

/** A stored experiment as the estimate reads it (an experiment record is one). */
export interface TimedExperiment {
  name: string;
  createdAt: string;
  finishedAt?: string;
  status: string;
  /** Its plan's training FLOPs. */
  plan: { trainingFlops: number };
}

export interface ExperimentRate {
  /** Wall seconds per training FLOP of whole experiments (every stage: loading, growth, merges, evaluation). */
  secondsPerFlop: number;
  slowest: number;
  fastest: number;
  experiments: number;
  /** Measured on experiments of the same recipe name (else of any recipe). */
  sameRecipe: boolean;
}

/**
 * Wall seconds per planned training FLOP of the newest RATE_RUNS completed experiments, of the
 * recipe `name` when any ran here (stages other than training cost alike then), else of any.
 */
export function measuredExperimentRate(experiments: TimedExperiment[], name: string): ExperimentRate | undefined {
  const done = experiments
    .flatMap((e) => {
      const seconds = e.finishedAt ? (Date.parse(e.finishedAt) - Date.parse(e.createdAt)) / 1000 : NaN;
      return e.status === 'completed' && seconds > 0 && e.plan.trainingFlops > 0 ? [{ ...e, perFlop: seconds / e.plan.trainingFlops }] : [];
    })
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const same = done.filter((e) => e.name === name);
  const chosen = (same.length ? same : done).slice(0, RATE_RUNS);
  if (chosen.length === 0) return undefined;
  const each = chosen.map((e) => e.perFlop);
  return { secondsPerFlop: each.reduce((a, x) => a + x, 0) / each.length, slowest: Math.max(...each), fastest: Math.min(...each), experiments: chosen.length, sameRecipe: same.length > 0 };
}

export interface DurationEstimate {
  text: string;
  /** Seconds, lowest and highest of the measurements; absent when nothing is measured. */
  seconds?: { low: number; high: number };
  /** What the figure rests on: whole experiments, training runs alone, or nothing yet. */
  basis: 'experiments' | 'runs' | 'none';
}

/**
 * What a plan with `trainingFlops` takes on this device, in words. Whole experiments measured
 * here give the whole time; training runs alone give the training part, and say the other stages
 * come on top; with neither, it says it has not been measured and how to measure it.
 */
export function describeDuration(trainingFlops: number, measured: { runs?: DeviceRate; experiments?: ExperimentRate }): DurationEstimate {
  const work = `${formatFlops(trainingFlops)} of training`;
  const e = measured.experiments;
  if (e) {
    const low = trainingFlops * e.fastest;
    const high = trainingFlops * e.slowest;
    const which = `${e.experiments === 1 ? 'the last experiment' : `the last ${e.experiments} experiments`}${e.sameRecipe ? ' of this recipe' : ''}`;
    return { text: `about ${roughRange(low, high)} on this device, every stage included (${work}; measured on ${which} here)`, seconds: { low, high }, basis: 'experiments' };
  }
  const r = measured.runs;
  if (r) {
    const seconds = trainingFlops / r.flopsPerSecond;
    const runs = r.runs === 1 ? 'the last run' : `the last ${r.runs} runs`;
    return {
      text: `training steps alone about ${roughDuration(seconds)} on this device (${work} at the ${formatRate(r.flopsPerSecond)} measured between the steps of ${runs}); loading, evaluations, growth and merges come on top, measured once an experiment has run here`,
      seconds: { low: seconds, high: seconds },
      basis: 'runs',
    };
  }
  return { text: `${work}; not measured on this device yet: train any run (Train view) and the time it takes here is estimated from its speed.`, basis: 'none' };
}
