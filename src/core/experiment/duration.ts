// How long a recipe takes on this device, from what this device measured rather than fixed text:
// the wall-clock FLOP rate of its latest training runs (training FLOPs over wall seconds, their
// loading and evaluations included) applied to the plan's training FLOPs. Runs differ in speed,
// so the slowest and fastest of the runs measured give the range; with none, it says so.
import { formatFlops } from '../numeric/formatFlops';
import type { MetricPoint } from '../train/settings';

/** The latest runs that count: a rate follows the device's current backend and kernels. */
export const RATE_RUNS = 5;

export interface DeviceRate {
  /** FLOP/s of the latest runs: all of them together (the figure quoted), slowest, fastest. */
  flopsPerSecond: number;
  slowest: number;
  fastest: number;
  runs: number;
}

/** A run as the estimate reads it: when it was made and its metric points. */
export interface TimedRun {
  createdAt: string;
  metrics: MetricPoint[];
}

/**
 * Training FLOPs per wall-clock second of the newest RATE_RUNS runs that trained (a last point
 * with FLOPs and time), or undefined when this device has none.
 */
export function measuredRate(runs: TimedRun[]): DeviceRate | undefined {
  const rates = runs
    .flatMap((r) => {
      const last = r.metrics[r.metrics.length - 1];
      return last && last.flops > 0 && last.elapsed > 0 ? [{ at: r.createdAt, flops: last.flops, seconds: last.elapsed - (last.paused ?? 0) }] : [];
    })
    .filter((r) => r.seconds > 0)
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, RATE_RUNS);
  if (rates.length === 0) return undefined;
  const each = rates.map((r) => r.flops / r.seconds);
  return {
    flopsPerSecond: rates.reduce((a, r) => a + r.flops, 0) / rates.reduce((a, r) => a + r.seconds, 0),
    slowest: Math.min(...each),
    fastest: Math.max(...each),
    runs: rates.length,
  };
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

/**
 * What a plan with `trainingFlops` takes on this device, in words: "about 1–2 min on this device
 * (8.02 GFLOP of training at the measured 0.9 GFLOP/s of the last 3 runs, ...)", or, without
 * a measured run, that it has not been measured and how to measure it.
 */
export function describeDuration(trainingFlops: number, rate: DeviceRate | undefined): { text: string; seconds?: { low: number; high: number } } {
  const work = `${formatFlops(trainingFlops)} of training`;
  if (!rate) return { text: `${work}; not measured on this device yet: train any run (Train view) and the time it takes here is estimated from its speed.` };
  const low = trainingFlops / rate.fastest;
  const high = trainingFlops / rate.slowest;
  const runs = rate.runs === 1 ? 'the last run' : `the last ${rate.runs} runs`;
  return {
    text: `about ${roughRange(low, high)} on this device (${work} at the measured ${formatRate(rate.flopsPerSecond)} of ${runs}, their loading and evaluations included)`,
    seconds: { low, high },
  };
}
