// Evaluation results as the studio keeps and exports them: per checkpoint and suite the accuracy
// lm-eval reports for that suite's rule, labelled, with its pair count, 95 % interval and per-pair
// verdicts (so two models can be compared later with McNemar's test on the same pairs), and per
// checkpoint and language the validation loss and perplexity. CSV is long ("tidy") format, one
// value a row, so it loads straight into pandas or R.
import { type Estimate, LEGACY_RULE_DESCRIPTION, PAIR_RULES, type PairRule, type ParadigmScore } from './minimalPairs';
import { bootstrapInterval, type Cluster, decodeVerdicts, type Interval, type McNemar, mcnemarOf } from './stats';
import type { MinimalPair, SuiteInfo } from './suites/types';
import { hashString } from '../rng';

export interface SuiteResultRow {
  checkpoint: string;
  suite: string;
  language: string;
  /** The scoring rule; absent in results saved before the lm-eval rules (see ruleLabel). */
  rule?: PairRule;
  /** What `accuracy` is: the mean over paradigms ('macro') or accuracy over all pairs ('pairs'). */
  headline?: 'macro' | 'pairs';
  /** The number lm-eval reports for the suite under `rule`. */
  accuracy: number;
  /** Share of all pairs correct. */
  pairAccuracy: number;
  pairs: number;
  correct?: number;
  macro?: Estimate;
  overall?: Estimate;
  /** lm-eval's acc_norm (MultiBLiMP). */
  norm?: Estimate;
  paradigms: ParadigmScore[];
  /** Per-pair verdicts in the order of the suite's pair set (stats.ts encodeVerdicts). */
  verdicts?: string;
  normVerdicts?: string;
  /**
   * Pairs with a sentence longer than the model's positions (`positions`, its
   * max_position_embeddings), scored in sliding windows (ours: lm-eval would truncate the text).
   */
  windowedPairs?: number;
  positions?: number;
}

export interface ValidationRow {
  checkpoint: string;
  language: string;
  corpus: string;
  loss: number;
  perplexity: number;
}

/** The pairs one evaluation scored from a suite, the same for every checkpoint. */
export interface PairSet {
  suite: string;
  pairs: number;
  /** FNV-1a of the pairs' texts: two results with equal fingerprints scored the same pairs. */
  fingerprint: string;
  /** Cluster index of each pair (pairs of one source sentence share one), where the suite groups them. */
  clusters?: number[];
}

export interface EvaluationResult {
  id: string;
  createdAt: string;
  checkpoints: { id: string; name: string }[];
  suites: SuiteInfo[];
  rows: SuiteResultRow[];
  validation: ValidationRow[];
  pairSets?: PairSet[];
}

/** The rule a row was scored with, in words; results saved before the lm-eval rules say so. */
export function ruleLabel(row: Pick<SuiteResultRow, 'rule'>): string {
  return row.rule ? row.rule : LEGACY_RULE_DESCRIPTION;
}

/** The headline estimate of a row (undefined for results saved without intervals). */
export function headlineOf(row: SuiteResultRow): Estimate | undefined {
  return row.headline === 'pairs' ? row.overall : row.macro;
}

const pct = (x: number) => (100 * x).toFixed(1);

/** "66.7 % [48.1, 81.4] of 24 pairs (wilson)": an accuracy with its count and 95 % interval. */
export function formatEstimate(e: Estimate): string {
  return `${pct(e.value)} % [${pct(e.lo)}, ${pct(e.hi)}] of ${e.total} pairs (${e.method})`;
}

/** Every number of a row, labelled: the tooltip of a table or heatmap cell. */
export function describeRow(row: SuiteResultRow): string {
  if (!row.macro || !row.overall) return `${pct(row.accuracy)} % mean over paradigms, ${pct(row.pairAccuracy)} % of all ${row.pairs} pairs; ${ruleLabel(row)}`;
  const lines = [
    `${row.headline === 'macro' ? 'reported: ' : ''}mean over ${row.paradigms.length} paradigm${row.paradigms.length === 1 ? '' : 's'} ${formatEstimate(row.macro)}`,
    `${row.headline === 'pairs' ? 'reported: ' : ''}all pairs ${formatEstimate(row.overall)}`,
  ];
  if (row.norm) lines.push(`acc_norm (per character) ${formatEstimate(row.norm)}`);
  lines.push(`rule: ${ruleLabel(row)}; 95 % intervals`);
  return lines.join('\n');
}

/**
 * FNV-1a (32 bit, hex) of the pairs' texts in order, good NUL bad, pairs joined by U+0001. Hashed
 * piece by piece (FNV carries its state), never as one joined string, which for a large suite can
 * pass the engine's longest string.
 */
export function pairsFingerprint(pairs: MinimalPair[]): string {
  let h: number | undefined;
  for (const p of pairs) {
    h = h === undefined ? hashString(p.good) : hashString(p.good, hashString('\u0001', h));
    h = hashString(p.bad, hashString('\u0000', h));
  }
  return (h ?? hashString('')).toString(16).padStart(8, '0');
}

export function pairSetOf(suite: string, pairs: (MinimalPair & { group?: string })[]): PairSet {
  const out: PairSet = { suite, pairs: pairs.length, fingerprint: pairsFingerprint(pairs) };
  if (pairs.some((p) => p.group !== undefined)) {
    const index = new Map<string, number>();
    out.clusters = pairs.map((p, i) => {
      const key = p.group === undefined ? `#${i}` : `g:${p.group}`;
      if (!index.has(key)) index.set(key, index.size);
      return index.get(key)!;
    });
  }
  return out;
}

/** Two models on the same pairs: accuracy over those pairs, McNemar's exact test and a paired interval. */
export interface PairedDifference extends McNemar {
  a: string;
  b: string;
  suites: string[];
  accuracyA: number;
  accuracyB: number;
  /** accuracyA − accuracyB over the pairs. */
  difference: number;
  /** 95 % paired bootstrap interval of the difference (clusters resampled whole). */
  interval: Interval;
  /** Pairs share source sentences, so McNemar's independence does not hold: the cluster interval must agree too. */
  clustered: boolean;
  /** The difference is not chance at the 5 % level: McNemar p < 0.05 and, for clustered pairs, a cluster interval without 0. */
  significant: boolean;
}

/** The significance level of paired comparisons. */
export const ALPHA = 0.05;

/**
 * Compares checkpoints a and b on the pooled pairs of `suites` (each suite's verdicts of both,
 * read from the result). Undefined where either lacks verdicts for a suite (results saved before
 * verdicts were kept) or there are no pairs.
 */
export function comparePaired(r: EvaluationResult, a: string, b: string, suites: string[]): PairedDifference | undefined {
  const va: boolean[] = [];
  const vb: boolean[] = [];
  const clusters: Cluster[] = [];
  let clustered = false;
  for (const suite of suites) {
    const ra = r.rows.find((x) => x.checkpoint === a && x.suite === suite);
    const rb = r.rows.find((x) => x.checkpoint === b && x.suite === suite);
    if (!ra?.verdicts || !rb?.verdicts) return undefined;
    const da = decodeVerdicts(ra.verdicts, ra.pairs);
    const db = decodeVerdicts(rb.verdicts, rb.pairs);
    if (da.length !== db.length) throw new Error(`suite ${suite}: ${a} and ${b} were scored on different numbers of pairs`);
    const set = r.pairSets?.find((p) => p.suite === suite);
    const own = new Map<number, Cluster>();
    da.forEach((x, i) => {
      const key = set?.clusters ? set.clusters[i] : i;
      const c = own.get(key) ?? { value: 0, total: 0 };
      c.value += Number(x) - Number(db[i]);
      c.total += 1;
      own.set(key, c);
    });
    clustered ||= set?.clusters !== undefined && own.size < da.length;
    // Appended one by one: spreading a large suite's verdicts would pass the argument limit.
    for (const c of own.values()) clusters.push(c);
    for (const x of da) va.push(x);
    for (const x of db) vb.push(x);
  }
  if (!va.length) return undefined;
  const m = mcnemarOf(va, vb);
  const accuracyA = va.filter(Boolean).length / va.length;
  const accuracyB = vb.filter(Boolean).length / vb.length;
  const interval = bootstrapInterval([clusters], 'pooled');
  // Clustering can only widen the uncertainty: a clustered difference must pass McNemar and have a
  // cluster interval without 0 (a percentile bootstrap over few clusters alone is too lenient).
  const significant = m.p < ALPHA && (!clustered || interval.lo > 0 || interval.hi < 0);
  return { ...m, a, b, suites, accuracyA, accuracyB, difference: accuracyA - accuracyB, interval, clustered, significant };
}

/** An accuracy difference in signed percentage points: "+4.2", "−0.5". */
export const formatPoints = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)}`;

/** A p-value with three decimals, or in exponent form below 0.001. */
export const formatP = (p: number): string => (p < 0.001 ? p.toExponential(1) : p.toFixed(3));

/** "−4.8 points [−8.0, −1.5], McNemar p = 0.003": a paired difference, its 95 % interval and p. */
export function formatPairedSummary(difference: number, lo: number, hi: number, p: number): string {
  return `${formatPoints(difference)} points [${formatPoints(lo)}, ${formatPoints(hi)}], McNemar p = ${formatP(p)}`;
}

/** "+4.2 points [1.0, 7.5], McNemar p = 0.012 (12 vs 3 discordant of 200 pairs)". */
export function formatDifference(d: PairedDifference): string {
  return `${formatPairedSummary(d.difference, d.interval.lo, d.interval.hi, d.p)} (${d.onlyA} vs ${d.onlyB} discordant of ${d.n} pairs${d.clustered ? '; pairs share sentences, so the cluster interval must exclude 0 too' : ''})`;
}

/** RFC 4180: a cell with a comma, quote or line break is quoted, its quotes doubled. */
/** A plain decimal number, which a spreadsheet reads as a number, never as a formula. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * RFC 4180: a cell with a comma, quote or line break is quoted, its quotes doubled. A text cell
 * that starts with =, +, -, @, a tab or a carriage return (and is not a number) gets a leading
 * apostrophe, as OWASP advises against CSV injection: a checkpoint named =HYPERLINK(...) stays text.
 */
export function csvCell(v: string | number): string {
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s) && !NUMBER.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const EVALUATION_CSV_COLUMNS = ['checkpoint_id', 'checkpoint_name', 'suite', 'language', 'paradigm', 'metric', 'value', 'correct', 'total', 'ci_low', 'ci_high', 'ci_method', 'rule', 'reported'] as const;

/**
 * Metrics: accuracy_macro (mean over paradigms), accuracy_pairs (over all pairs), acc_norm
 * (MultiBLiMP), accuracy per paradigm, valid_loss, perplexity. `reported` is 1 on the number
 * lm-eval reports for the suite under the row's rule.
 */
export function evaluationCsv(r: EvaluationResult): string {
  const name = new Map(r.checkpoints.map((c) => [c.id, c.name]));
  const out: string[][] = [[...EVALUATION_CSV_COLUMNS]];
  const s = (x: number | undefined) => (x === undefined ? '' : String(x));
  for (const row of r.rows) {
    const head = [row.checkpoint, name.get(row.checkpoint) ?? '', row.suite, row.language];
    const rule = ruleLabel(row);
    const est = (metric: string, e: Estimate | undefined, fallback: number, correct: number | undefined, reported: boolean) =>
      out.push([...head, '', metric, s(e?.value ?? fallback), s(correct), String(row.pairs), s(e?.lo), s(e?.hi), e?.method ?? '', rule, reported ? '1' : '0']);
    est('accuracy_macro', row.macro, row.accuracy, undefined, row.headline !== 'pairs');
    est('accuracy_pairs', row.overall, row.pairAccuracy, row.correct, row.headline === 'pairs');
    if (row.norm) est('acc_norm', row.norm, NaN, undefined, row.rule !== undefined && PAIR_RULES[row.rule].lengthNormalised);
    // Ours, not lm-eval's: how many pairs needed sliding windows (a sentence past the model's positions).
    if (row.windowedPairs !== undefined) out.push([...head, '', 'windowed_pairs', String(row.windowedPairs), '', String(row.pairs), '', '', '', rule, '0']);
    for (const p of row.paradigms) out.push([...head, p.paradigm, 'accuracy', String(p.accuracy), String(p.correct), String(p.total), s(p.lo), s(p.hi), p.method ?? '', rule, '0']);
  }
  for (const v of r.validation) {
    out.push([v.checkpoint, name.get(v.checkpoint) ?? '', v.corpus, v.language, '', 'valid_loss', String(v.loss), '', '', '', '', '', '', '0']);
    out.push([v.checkpoint, name.get(v.checkpoint) ?? '', v.corpus, v.language, '', 'perplexity', String(v.perplexity), '', '', '', '', '', '', '0']);
  }
  return out.map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

/**
 * One checkpoint's accuracy per language: the mean of the reported accuracies of that language's
 * suites, in the order the language's first row appears; a language with no row is absent.
 */
export function languageAccuracy(r: Pick<EvaluationResult, 'rows'>, checkpoint: string): Map<string, number> {
  const by = new Map<string, number[]>();
  for (const x of r.rows) {
    if (x.checkpoint !== checkpoint) continue;
    const xs = by.get(x.language);
    if (xs) xs.push(x.accuracy);
    else by.set(x.language, [x.accuracy]);
  }
  return new Map([...by].map(([language, xs]) => [language, xs.reduce((a, v) => a + v, 0) / xs.length]));
}

/** Checkpoints x languages matrix of accuracy (mean over a language's suites), with each cell's rows for its tooltip. */
export function accuracyMatrix(r: EvaluationResult): { languages: string[]; cells: Record<string, Record<string, number>>; titles: Record<string, Record<string, string>> } {
  const languages = [...new Set(r.rows.map((x) => x.language))].sort();
  const cells: Record<string, Record<string, number>> = {};
  const titles: Record<string, Record<string, string>> = {};
  const suiteName = new Map(r.suites.map((s) => [s.id, s.name]));
  for (const c of r.checkpoints) {
    const acc = languageAccuracy(r, c.id);
    cells[c.id] = Object.fromEntries(languages.filter((l) => acc.has(l)).map((l) => [l, acc.get(l)!]));
    titles[c.id] = Object.fromEntries(languages.filter((l) => acc.has(l)).map((l) => {
      const rows = r.rows.filter((x) => x.checkpoint === c.id && x.language === l);
      const head = rows.length > 1 ? `mean of ${rows.length} suites: ${pct(acc.get(l)!)} %\n` : '';
      return [l, `${c.name}, ${l}\n${head}${rows.map((x) => `${suiteName.get(x.suite) ?? x.suite}: ${describeRow(x)}`).join('\n')}`];
    }));
  }
  return { languages, cells, titles };
}
