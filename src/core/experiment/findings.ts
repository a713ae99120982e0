// The paper's claims (Grow Up and Merge, Glocker et al. 2025), checked against one experiment's
// numbers: growth is more data-efficient and forgets less English at equal FLOPs, merges fall
// short of the experts, grown merges beat small ones, merge methods differ. Each finding says
// whether this run supports the claim (yes / no / inconclusive), with the numbers behind the
// verdict and the rule that decided it. A comparison counts for or against a claim only when its
// uncertainty allows one answer alone: a validation-loss difference beyond the stated tolerance,
// a minimal-pair accuracy difference that McNemar's exact test separates from chance (and, for
// pairs sharing source sentences, a cluster-bootstrap 95 % interval too). Pure functions.
import { ALPHA, comparePaired, type EvaluationResult, formatDifference } from '../eval/report';
import { formatFlops } from '../numeric/formatFlops';

/** One evaluation point of an adaptation run; flops counts from the run's start (0 = the parent). */
export interface LossPoint {
  flops: number;
  /** Validation loss on the target language (nats per token). */
  target: number;
  /** Validation loss on English (the replay corpus). */
  english: number;
}

export interface RunCurve {
  language: string;
  scale: number;
  /** Ascending in flops; the first point (flops 0) is the parent before training. */
  points: LossPoint[];
}

/** A merged model's validation loss (and accuracy) on one language of its subset. */
export interface MergeNumber {
  method: string;
  subset: string[];
  scale: number;
  language: string;
  loss: number;
  accuracy?: number;
  /** The merged checkpoint, for paired comparisons on the evaluation's minimal pairs. */
  checkpoint?: string;
}

/** An expert (the adapted model of one language and scale) on its own language. */
export interface ExpertNumber {
  language: string;
  scale: number;
  loss: number;
  accuracy?: number;
  checkpoint?: string;
}

export interface FindingsInput {
  curves: RunCurve[];
  merges: MergeNumber[];
  experts: ExpertNumber[];
  /** The evaluation the numbers come from: its per-pair verdicts give the accuracy comparisons. */
  evaluation?: Pick<EvaluationResult, 'rows' | 'pairSets'>;
}

export interface FindingsOptions {
  /** Loss differences within ± this many nats count as ties; default 0.01. */
  tolerance?: number;
  /** Mean best-to-worst spread (nats) above which merge methods "differ"; default 0.05. */
  methodSpread?: number;
}

export type FindingId = 'growth-data-efficiency' | 'growth-forgets-less' | 'merges-below-experts' | 'grown-merges-better' | 'merge-methods-differ';

export interface Finding {
  id: FindingId;
  claim: string;
  supported: 'yes' | 'no' | 'inconclusive';
  /** A sentence with this run's numbers. */
  evidence: string;
  /** How the verdict was decided, with its thresholds. */
  rule: string;
}

/** The thresholds findings use, as the report states them. */
export interface FindingsThresholds {
  tolerance: number;
  methodSpread: number;
  alpha: number;
}

export function findingsThresholds(options: FindingsOptions = {}): FindingsThresholds {
  return { tolerance: options.tolerance ?? 0.01, methodSpread: options.methodSpread ?? 0.05, alpha: ALPHA };
}

/** The decision rules in words, for the report. */
export function describeThresholds(t: FindingsThresholds): string[] {
  return [
    `A validation-loss comparison counts for or against a claim only when the difference exceeds ±${t.tolerance} nats; within it, it is a tie (no sampling interval is kept for losses).`,
    `A minimal-pair accuracy comparison (same pairs, both models) counts only when McNemar's exact test gives p < ${t.alpha} and, where pairs share source sentences, the 95 % cluster-bootstrap interval of the difference also excludes 0.`,
    'Each measure (validation loss; minimal pairs) gives its own verdict: yes when more than half of its comparisons count for the claim, no when more than half count against it, inconclusive otherwise (mixed results, ties, too few pairs). The claim takes the verdict of the measures that decide; it is inconclusive when they contradict each other or none decides.',
    `Merge methods differ (yes) when the mean best-to-worst loss spread exceeds ${t.methodSpread} nats by more than the tolerance, do not (no) when it is below by more than the tolerance, and inconclusive in between.`,
  ];
}

/** Linear interpolation of `field` at `flops`; undefined outside the curve's range. */
export function interpolateAt(points: LossPoint[], flops: number, field: 'target' | 'english'): number | undefined {
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i];
    if (p.flops === flops) return p[field];
    const q = points[i - 1];
    if (q && q.flops < flops && flops < p.flops) return q[field] + ((p[field] - q[field]) * (flops - q.flops)) / (p.flops - q.flops);
  }
  return undefined;
}

/**
 * The largest FLOPs every curve reached (the least of their last points' FLOPs), and each
 * curve's point there, interpolated; undefined for a curve that starts after it. Every curve
 * needs at least one point.
 */
export function atEqualFlops(curves: { points: LossPoint[] }[]): { flops: number; points: (LossPoint | undefined)[] } {
  const flops = Math.min(...curves.map((c) => c.points[c.points.length - 1].flops));
  const points = curves.map((c) => {
    const target = interpolateAt(c.points, flops, 'target');
    const english = interpolateAt(c.points, flops, 'english');
    return target === undefined || english === undefined ? undefined : { flops, target, english };
  });
  return { flops, points };
}

interface Comparison {
  measure: 'loss' | 'accuracy';
  /** Where the uncertainty allows one answer only: for or against the claim; else undecided. */
  counts: 'for' | 'against' | 'undecided';
  text: string;
}

/** A loss difference (positive favours the claim) against the tolerance. */
function lossComparison(diff: number, tol: number, text: string): Comparison {
  return { measure: 'loss', counts: diff > tol ? 'for' : diff < -tol ? 'against' : 'undecided', text };
}

const f3 = (x: number) => x.toFixed(3);
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`;

type Supported = Finding['supported'];

/** One measure's majority verdict: yes / no when more than half its comparisons count for / against. */
function majority(items: Comparison[]): { supported: Supported; tally: string } {
  const wins = items.filter((c) => c.counts === 'for').length;
  const losses = items.filter((c) => c.counts === 'against').length;
  const supported: Supported = wins > items.length / 2 ? 'yes' : losses > items.length / 2 ? 'no' : 'inconclusive';
  return { supported, tally: `${wins} of ${items.length} support it, ${losses} contradict it, ${items.length - wins - losses} are undecided` };
}

const MEASURE_NAMES: Record<Comparison['measure'], string> = { loss: 'validation loss', accuracy: 'minimal pairs' };

/**
 * The verdict of a claim: each measure's majority verdict, then the verdict the deciding measures
 * share: a measure that cannot decide (too few pairs, ties) does not outvote one that does, and
 * two that contradict each other make the claim inconclusive, as do no numbers at all.
 */
function verdict(items: Comparison[], noun: string): Pick<Finding, 'supported' | 'evidence'> {
  if (!items.length) return { supported: 'inconclusive', evidence: `No ${noun} to compare: the numbers for it are missing.` };
  const measures = (['loss', 'accuracy'] as const).filter((m) => items.some((c) => c.measure === m));
  const byMeasure = measures.map((m) => ({ m, ...majority(items.filter((c) => c.measure === m)) }));
  const decided = new Set(byMeasure.map((b) => b.supported).filter((v) => v !== 'inconclusive'));
  const supported: Supported = decided.size === 1 ? [...decided][0] : 'inconclusive';
  const shown = items.slice(0, 6).map((c) => c.text).join('; ');
  const more = items.length > 6 ? `; and ${items.length - 6} more` : '';
  const tally = byMeasure.length === 1
    ? `${byMeasure[0].tally.replace(/^(\d+ of \d+)/, `$1 ${noun}`)}`
    : byMeasure.map((b) => `${MEASURE_NAMES[b.m]}: ${b.supported} (${b.tally})`).join('; ');
  return { supported, evidence: `${tally}: ${shown}${more}.` };
}

/** Grown-vs-1x comparisons of one language at the largest FLOPs both runs reached. */
function growthComparisons(curves: RunCurve[], measure: (c: RunCurve, at: LossPoint) => number | undefined, label: string, tol: number): Comparison[] {
  const out: Comparison[] = [];
  for (const big of curves.filter((c) => c.scale > 1 && c.points.length)) {
    const small = curves.find((c) => c.scale === 1 && c.language === big.language && c.points.length);
    if (!small) continue;
    const { flops, points: [atSmall, atBig] } = atEqualFlops([small, big]);
    const a = atSmall && measure(small, atSmall);
    const b = atBig && measure(big, atBig);
    if (a === undefined || b === undefined) continue;
    out.push(lossComparison(a - b, tol, `${big.language} at ${formatFlops(flops)}: x${big.scale} ${label} ${f3(b)} vs x1 ${f3(a)} (${signed(b - a)})`));
  }
  return out;
}

/** English loss increase over the run's start (the parent's loss) at the point `at`. */
function forgetting(c: RunCurve, at: LossPoint): number | undefined {
  const start = c.points[0];
  return start.flops === 0 ? at.english - start.english : undefined;
}

const subsetKey = (m: MergeNumber) => [...m.subset].sort().join('+');

/** The evaluation's suites of `language`. */
const suitesOf = (e: NonNullable<FindingsInput['evaluation']>, language: string) => [...new Set(e.rows.filter((r) => r.language === language).map((r) => r.suite))];

/**
 * Minimal-pair accuracy of checkpoint `better` against `worse` on the language's pairs: counts for
 * the claim "better is more accurate" when the paired difference is significant and positive.
 */
function accuracyComparison(input: FindingsInput, better: string | undefined, worse: string | undefined, language: string, label: string): Comparison[] {
  const e = input.evaluation;
  if (!e || !better || !worse) return [];
  const d = comparePaired(e as EvaluationResult, better, worse, suitesOf(e, language));
  if (!d) return [];
  return [{ measure: 'accuracy', counts: !d.significant ? 'undecided' : d.difference > 0 ? 'for' : 'against', text: `${label} on ${language} minimal pairs: ${(100 * d.accuracyA).toFixed(1)} % vs ${(100 * d.accuracyB).toFixed(1)} %, ${formatDifference(d)}` }];
}

export function findings(input: FindingsInput, options: FindingsOptions = {}): Finding[] {
  const t = findingsThresholds(options);
  const tol = t.tolerance;
  const rules = describeThresholds(t);
  const lossRule = `${rules[0]} ${rules[2]}`;
  const bothRule = `${rules[0]} ${rules[1]} ${rules[2]}`;

  const a = growthComparisons(input.curves, (_, at) => at.target, 'target loss', tol);
  const b = growthComparisons(input.curves, forgetting, 'English loss rise', tol);

  const c: Comparison[] = [];
  for (const m of input.merges.filter((x) => x.subset.includes(x.language))) {
    const expert = input.experts.find((e) => e.language === m.language && e.scale === m.scale);
    if (!expert) continue;
    const name = `${m.method}(${m.subset.join('+')}) x${m.scale}`;
    c.push(lossComparison(m.loss - expert.loss, tol, `${name} on ${m.language}: ${f3(m.loss)} vs expert ${f3(expert.loss)} (${signed(m.loss - expert.loss)})`));
    c.push(...accuracyComparison(input, expert.checkpoint, m.checkpoint, m.language, `expert vs ${name}`));
  }

  const d: Comparison[] = [];
  for (const big of input.merges.filter((x) => x.scale > 1)) {
    const small = input.merges.find((x) => x.scale === 1 && x.method === big.method && x.language === big.language && subsetKey(x) === subsetKey(big));
    if (!small) continue;
    d.push(lossComparison(small.loss - big.loss, tol, `${big.method}(${big.subset.join('+')}) on ${big.language}: x${big.scale} ${f3(big.loss)} vs x1 ${f3(small.loss)} (${signed(big.loss - small.loss)})`));
    d.push(...accuracyComparison(input, big.checkpoint, small.checkpoint, big.language, `${big.method}(${big.subset.join('+')}) x${big.scale} vs x1`));
  }

  return [
    { id: 'growth-data-efficiency', claim: 'Growth is more data-efficient: at equal training FLOPs the HyperCloned model reaches a lower target-language validation loss than the 1x model.', ...verdict(a, 'language comparisons'), rule: lossRule },
    { id: 'growth-forgets-less', claim: 'Growth forgets less English: at equal FLOPs the grown model\'s English validation loss rises less above its starting value than the 1x model\'s.', ...verdict(b, 'language comparisons'), rule: lossRule },
    { id: 'merges-below-experts', claim: 'Merges fall short of the experts: on each of its languages a merged model has a higher validation loss (and, where minimal pairs were scored, a lower accuracy) than that language\'s expert at the same scale.', ...verdict(c, 'comparisons'), rule: bothRule },
    { id: 'grown-merges-better', claim: 'Grown merges beat small merges: merging the grown experts gives a lower validation loss (and, where minimal pairs were scored, a higher accuracy) than merging the 1x experts (same method, subset and language).', ...verdict(d, 'comparisons'), rule: bothRule },
    methodsDiffer(input.merges, t.methodSpread, tol, `${rules[3]}`),
  ];
}

/** Spread (worst minus best loss) across methods for each subset, scale and language; its mean against the threshold. */
function methodsDiffer(merges: MergeNumber[], threshold: number, tol: number, rule: string): Finding {
  const claim = `Merge methods differ: on the same subset, scale and language, the best and worst method's validation losses are on average more than ${threshold} nats apart.`;
  const cells = new Map<string, MergeNumber[]>();
  for (const m of merges.filter((x) => x.subset.includes(x.language))) {
    const k = `${subsetKey(m)}|${m.scale}|${m.language}`;
    cells.set(k, [...(cells.get(k) ?? []), m]);
  }
  const spreads = [...cells.values()].filter((ms) => new Set(ms.map((m) => m.method)).size >= 2).map((ms) => Math.max(...ms.map((m) => m.loss)) - Math.min(...ms.map((m) => m.loss)));
  if (!spreads.length) return { id: 'merge-methods-differ', claim, supported: 'inconclusive', evidence: 'No subset was merged with two or more methods, so methods cannot be compared.', rule };
  const mean = spreads.reduce((s, x) => s + x, 0) / spreads.length;
  const byMethod = new Map<string, number[]>();
  for (const m of merges) byMethod.set(m.method, [...(byMethod.get(m.method) ?? []), m.loss]);
  const ranked = [...byMethod].map(([method, ls]) => ({ method, loss: ls.reduce((s, x) => s + x, 0) / ls.length })).sort((x, y) => x.loss - y.loss);
  const best = ranked[0];
  const worst = ranked[ranked.length - 1];
  return {
    id: 'merge-methods-differ', claim, rule, supported: mean > threshold + tol ? 'yes' : mean < threshold - tol ? 'no' : 'inconclusive',
    evidence: `Mean spread ${f3(mean)} nats over ${spreads.length} subset-scale-language cells (largest ${f3(Math.max(...spreads))}); lowest mean loss ${best.method} ${f3(best.loss)}, highest ${worst.method} ${f3(worst.loss)}.`,
  };
}
