// What the run comparison draws: the metrics a set of runs offers (training loss, validation loss
// per watched corpus, accuracy per scored suite), one run's series of a metric against steps,
// tokens or FLOPs, and the FLOP budget shared by the two halves of a FLOP-matched pair.
import type { MetricPoint } from '../../core/train/settings';
import type { RunView } from '../../state/store';
import type { XKind } from '../shared/chartStyle';
import { lossPoints } from '../shared/downsample';

/** 'loss', 'valid:<corpus id>' or 'pairs:<suite id>'. */
export type CompareMetric = string;

export interface MetricOption {
  id: CompareMetric;
  group: 'loss' | 'valid' | 'pairs';
  /** Corpus or suite id; absent for the training loss. */
  of?: string;
}

export interface SeriesPoint {
  x: number;
  y: number;
}

/** Points per run at most: several runs overlaid need fewer than one run alone. */
const MAX_POINTS = 300;

export function metricOptions(views: RunView[]): MetricOption[] {
  const corpora = new Set(views.flatMap((v) => v.record.settings.watch));
  const suites = new Set(views.flatMap((v) => v.record.settings.evalSuites ?? []));
  return [
    { id: 'loss', group: 'loss' },
    ...[...corpora].map((c): MetricOption => ({ id: `valid:${c}`, group: 'valid', of: c })),
    ...[...suites].map((s): MetricOption => ({ id: `pairs:${s}`, group: 'pairs', of: s })),
  ];
}

export function isAccuracy(metric: CompareMetric): boolean {
  return metric.startsWith('pairs:');
}

/** One run's values of `metric` in step order; accuracy in percent. */
export function runSeries(view: RunView, metric: CompareMetric, x: XKind): SeriesPoint[] {
  if (metric === 'loss') return lossPoints(view.metrics, MAX_POINTS).map((p) => ({ x: p[x], y: p.loss as number }));
  const of = metric.slice(metric.indexOf(':') + 1);
  const value = isAccuracy(metric) ? (p: MetricPoint) => (p.pairs?.[of] === undefined ? undefined : 100 * p.pairs[of]) : (p: MetricPoint) => p.valid?.[of];
  const out: SeriesPoint[] = [];
  for (const p of view.metrics) {
    const y = value(p);
    if (y !== undefined) out.push({ x: p[x], y });
  }
  return out;
}

/** The FLOP budget that two or more of `views` were given alike (a FLOP-matched pair), if any. */
export function sharedFlopBudget(views: RunView[]): number | undefined {
  const seen = new Map<number, number>();
  for (const v of views) {
    const b = v.record.settings.adapt?.budget;
    if (b?.kind === 'flops') seen.set(b.value, (seen.get(b.value) ?? 0) + 1);
  }
  for (const [value, n] of seen) if (n >= 2) return value;
  return undefined;
}
