// What the run comparison draws: the metrics a set of runs offers (training loss, validation loss
// per watched corpus, accuracy per scored suite), one run's series of a metric with every x
// column (steps, tokens, FLOPs, wall time), where a child run's axis continues its parent's, and
// the FLOP budget shared by the two halves of a FLOP-matched pair.
import type { CheckpointManifest } from '../../core/checkpoint/manifest';
import type { MetricPoint } from '../../core/train/settings';
import type { RunView } from '../../state/store';
import type { ValuePoint, XValues } from '../shared/chartData';
import { lossPoints } from '../shared/downsample';

/** 'loss', 'valid:<corpus id>' or 'pairs:<suite id>'. */
export type CompareMetric = string;

export interface MetricOption {
  id: CompareMetric;
  group: 'loss' | 'valid' | 'pairs';
  /** Corpus or suite id; absent for the training loss. */
  of?: string;
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

const at = (p: MetricPoint, y: number): ValuePoint => ({ step: p.step, tokens: p.tokens, flops: p.flops, elapsed: p.elapsed, y });

/** One run's values of `metric` in step order, with every x column; accuracy in percent. */
export function runSeries(view: RunView, metric: CompareMetric): ValuePoint[] {
  if (metric === 'loss') return lossPoints(view.metrics, MAX_POINTS).map((p) => at(p, p.loss as number));
  const of = metric.slice(metric.indexOf(':') + 1);
  const value = isAccuracy(metric) ? (p: MetricPoint) => (p.pairs?.[of] === undefined ? undefined : 100 * p.pairs[of]) : (p: MetricPoint) => p.valid?.[of];
  const out: ValuePoint[] = [];
  for (const p of view.metrics) {
    const y = value(p);
    if (y !== undefined) out.push(at(p, y));
  }
  return out;
}

/** Which run produced each checkpoint: from the checkpoints' training records and the runs' results. */
export function producingRuns(runs: Record<string, RunView>, checkpoints: Pick<CheckpointManifest, 'id' | 'training'>[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of Object.values(runs)) if (r.record.resultId) out.set(r.record.resultId, r.record.id);
  for (const c of checkpoints) if (c.training?.runId) out.set(c.id, c.training.runId);
  return out;
}

/** The run that produced the checkpoint `view` started from, if it is still recorded. */
export function parentRun(view: RunView, runs: Record<string, RunView>, producedBy: Map<string, string>): RunView | undefined {
  const id = producedBy.get(view.record.settings.from);
  return id && id !== view.record.id ? runs[id] : undefined;
}

const ZERO: XValues = { step: 0, tokens: 0, flops: 0, elapsed: 0 };

/**
 * Where `view`'s axis starts when it continues its ancestors': the sum of each ancestor run's
 * last step, tokens, FLOPs and wall time (zero for a run started from a checkpoint no recorded
 * run produced). A cycle, which lineage cannot make, would stop at the first repeat.
 */
export function continuedOffset(view: RunView, runs: Record<string, RunView>, producedBy: Map<string, string>): XValues {
  const offset = { ...ZERO };
  const seen = new Set<string>([view.record.id]);
  for (let parent = parentRun(view, runs, producedBy); parent && !seen.has(parent.record.id); parent = parentRun(parent, runs, producedBy)) {
    seen.add(parent.record.id);
    const last = parent.metrics[parent.metrics.length - 1];
    if (!last) break;
    offset.step += last.step;
    offset.tokens += last.tokens;
    offset.flops += last.flops;
    offset.elapsed = (offset.elapsed ?? 0) + last.elapsed;
  }
  return offset;
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
