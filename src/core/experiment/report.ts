// One experiment's results as a single JSON document: its models and their scores, each
// adaptation run's target and English loss curves, the gains at equal FLOPs, the merges next
// to their experts, and the findings. buildReport only reads what the studio stores (plan,
// progress records, run metrics, the evaluation); reportHtml.ts renders it and reportCsv
// flattens it for pandas or R.
import { comparePaired, csvCell, type EvaluationResult, formatPairedSummary, languageAccuracy } from '../eval/report';
import type { MetricPoint } from '../train/settings';
import { findingsInput } from './collect';
import { atEqualFlops, describeThresholds, type Finding, findings, findingsThresholds, type FindingsThresholds, type MergeNumber } from './findings';
import { type ExperimentPlan, type Progress, resumePlan, type StageStatus } from './plan';
import type { Recipe } from './recipe';

export type ModelKind = 'base' | 'grown' | 'expert' | 'merge';

/** A model on one language: validation loss (nats per token) and mean macro accuracy of its suites. */
export interface Score {
  loss?: number;
  accuracy?: number;
}

export interface ReportModel {
  stageId: string;
  /** Absent while the stage has not made its checkpoint. */
  checkpointId?: string;
  name: string;
  kind: ModelKind;
  scale: number;
  /** Experts: the language adapted to. */
  language?: string;
  /** Merges: method and the languages of its experts. */
  method?: string;
  subset?: string[];
  /** Language -> its numbers in the evaluation (every language evaluated, not only its own). */
  scores: Record<string, Score>;
}

/** One evaluation of an adaptation run; step 0 is the parent before training. */
export interface ReportPoint {
  step: number;
  tokens: number;
  flops: number;
  target: number;
  english: number;
}

export interface ReportCurve {
  stageId: string;
  language: string;
  scale: number;
  corpus: string;
  replayCorpus: string;
  runId: string;
  points: ReportPoint[];
}

/** One run at the FLOPs every scale of its language reached: loss changes against step 0. */
export interface GainRow {
  language: string;
  scale: number;
  flops: number;
  targetStart: number;
  target: number;
  /** targetStart - target: positive = learnt. */
  targetDrop: number;
  englishStart: number;
  english: number;
  /** english - englishStart: positive = forgot. */
  englishRise: number;
}

/** A merge on one language of its subset (findings' MergeNumber) next to its expert and base. */
export interface MergeRow extends MergeNumber {
  stageId: string;
  /** The expert of this language and scale. */
  expertLoss?: number;
  expertAccuracy?: number;
  /** The model the experts were adapted from (base or grown) on this language. */
  baseLoss?: number;
  /** Merge minus expert accuracy on the same minimal pairs, with McNemar's exact p and a 95 % interval. */
  accuracyDifference?: { difference: number; lo: number; hi: number; p: number; pairs: number; significant: boolean };
}

export type ReportSection = 'forgetting' | 'gains' | 'merges' | 'findings';

export interface ReportStage {
  id: string;
  kind: string;
  title: string;
  status: StageStatus;
  reason: string;
}

export interface ExperimentReport {
  version: 1;
  experimentId: string;
  name: string;
  createdAt: string;
  /** The experiment's state as the app words it ('running', 'complete', ...). */
  status: string;
  recipe: Recipe;
  stages: ReportStage[];
  trainingFlops: number;
  /** Heatmap columns: the recipe's languages, then any other evaluated language (English). */
  languages: string[];
  models: ReportModel[];
  curves: ReportCurve[];
  gains: GainRow[];
  mergeTable: MergeRow[];
  findings: Finding[];
  /** The thresholds the findings were decided with, and the rules in words. */
  findingsThresholds: FindingsThresholds;
  findingsRules: string[];
  /** The sections that have numbers. */
  sections: ReportSection[];
  evaluationId?: string;
}

export interface ReportInput {
  experimentId: string;
  name: string;
  createdAt: string;
  recipe: Recipe;
  plan: ExperimentPlan;
  progress: Progress;
  /** Run id -> its metric points in step order. */
  metrics: Record<string, MetricPoint[]>;
  evaluation?: EvaluationResult;
  /** Checkpoint id -> display name. */
  names: Record<string, string>;
  status: string;
}

function scoresOf(evaluation: EvaluationResult | undefined, checkpoint: string | undefined): Record<string, Score> {
  const out: Record<string, Score> = {};
  if (!evaluation || !checkpoint) return out;
  for (const v of evaluation.validation.filter((r) => r.checkpoint === checkpoint)) out[v.language] = { loss: v.loss };
  for (const [language, accuracy] of languageAccuracy(evaluation, checkpoint)) out[language] = { ...out[language], accuracy };
  return out;
}

function modelsOf(input: ReportInput): ReportModel[] {
  const out: ReportModel[] = [];
  for (const s of input.plan.stages) {
    if (s.kind === 'evaluate') continue;
    const checkpointId = s.kind === 'base' && s.checkpoint ? s.checkpoint : input.progress[s.id]?.checkpointId;
    const common = { stageId: s.id, ...(checkpointId ? { checkpointId } : {}), name: (checkpointId && input.names[checkpointId]) || s.title, scores: scoresOf(input.evaluation, checkpointId) };
    if (s.kind === 'base') out.push({ ...common, kind: 'base', scale: 1 });
    else if (s.kind === 'grow') out.push({ ...common, kind: 'grown', scale: s.factor });
    else if (s.kind === 'adapt') out.push({ ...common, kind: 'expert', scale: s.scale, language: s.language });
    else out.push({ ...common, kind: 'merge', scale: s.scale, method: s.method, subset: s.subset });
  }
  return out;
}

/** Evaluation points of each adapt run that carry both the target and the replay corpus's loss. */
function curvesOf(input: ReportInput): ReportCurve[] {
  const out: ReportCurve[] = [];
  for (const s of input.plan.stages) {
    const runId = input.progress[s.id]?.runId;
    if (s.kind !== 'adapt' || !runId) continue;
    const points = (input.metrics[runId] ?? []).flatMap((m) => {
      const target = m.valid?.[s.corpus];
      const english = m.valid?.[s.replayCorpus];
      return Number.isFinite(target) && Number.isFinite(english) ? [{ step: m.step, tokens: m.tokens, flops: m.flops, target: target!, english: english! }] : [];
    });
    if (points.length) out.push({ stageId: s.id, language: s.language, scale: s.scale, corpus: s.corpus, replayCorpus: s.replayCorpus, runId, points });
  }
  return out;
}

/**
 * Per language, every scale read at the largest FLOPs all its scales reached (so a run that
 * trained longer gets no credit for it), against its own step-0 point.
 */
export function gainsOf(curves: ReportCurve[]): GainRow[] {
  const out: GainRow[] = [];
  for (const language of [...new Set(curves.map((c) => c.language))]) {
    const runs = curves.filter((c) => c.language === language && c.points[0].step === 0);
    if (!runs.length) continue;
    const { flops, points } = atEqualFlops(runs);
    runs.forEach((c, i) => {
      const at = points[i];
      if (!at) return;
      const start = c.points[0];
      out.push({ language, scale: c.scale, flops, targetStart: start.target, target: at.target, targetDrop: start.target - at.target, englishStart: start.english, english: at.english, englishRise: at.english - start.english });
    });
  }
  return out;
}

function mergeTableOf(models: ReportModel[], evaluation: EvaluationResult | undefined): MergeRow[] {
  const out: MergeRow[] = [];
  for (const m of models.filter((x) => x.kind === 'merge')) {
    const expertModel = (l: string) => models.find((x) => x.kind === 'expert' && x.language === l && x.scale === m.scale);
    const expert = (l: string) => expertModel(l)?.scores[l];
    const paired = (l: string): MergeRow['accuracyDifference'] | undefined => {
      const e = expertModel(l)?.checkpointId;
      if (!evaluation || !e || !m.checkpointId) return undefined;
      const d = comparePaired(evaluation, m.checkpointId, e, [...new Set(evaluation.rows.filter((r) => r.language === l).map((r) => r.suite))]);
      return d && { difference: d.difference, lo: d.interval.lo, hi: d.interval.hi, p: d.p, pairs: d.n, significant: d.significant };
    };
    const base = models.find((x) => (x.kind === 'base' || x.kind === 'grown') && x.scale === m.scale);
    for (const language of m.subset!) {
      const own = m.scores[language];
      if (own?.loss === undefined) continue;
      const e = expert(language);
      const opt = (k: string, v: number | undefined) => (v === undefined ? {} : { [k]: v });
      out.push({
        stageId: m.stageId, method: m.method!, subset: m.subset!, scale: m.scale, language, loss: own.loss,
        ...opt('accuracy', own.accuracy), ...opt('expertLoss', e?.loss), ...opt('expertAccuracy', e?.accuracy), ...opt('baseLoss', base?.scores[language]?.loss),
        ...(paired(language) ? { accuracyDifference: paired(language) } : {}),
      });
    }
  }
  return out;
}

/** "−4.8 points [−8.0, −1.5], McNemar p = 0.003, 500 pairs": a merge-minus-expert accuracy cell. */
export function formatAccuracyDifference(d: NonNullable<MergeRow['accuracyDifference']> | undefined): string {
  return d ? `${formatPairedSummary(d.difference, d.lo, d.hi, d.p)}, ${d.pairs} pairs` : '–';
}

export function buildReport(input: ReportInput): ExperimentReport {
  const { plan, recipe, progress, evaluation } = input;
  const state = resumePlan(plan, progress);
  const stages = plan.stages.map((s, i) => ({ id: s.id, kind: s.kind, title: s.title, status: state.stages[i].status, reason: state.stages[i].reason }));
  const models = modelsOf(input);
  const curves = curvesOf(input);
  const gains = gainsOf(curves);
  const mergeTable = mergeTableOf(models, evaluation);
  const thresholds = findingsThresholds();
  const recipeLanguages = recipe.languages.map((l) => l.code);
  const evaluated = [...new Set(models.flatMap((m) => Object.keys(m.scores)))].sort();
  const sections: ReportSection[] = [];
  if (curves.length) sections.push('forgetting');
  if (gains.length) sections.push('gains');
  if (mergeTable.length) sections.push('merges');
  sections.push('findings');
  const evaluationId = evaluation?.id;
  return {
    version: 1, experimentId: input.experimentId, name: input.name, createdAt: input.createdAt, status: input.status, recipe,
    stages, trainingFlops: plan.trainingFlops,
    languages: [...recipeLanguages, ...evaluated.filter((l) => !recipeLanguages.includes(l))],
    models, curves, gains, mergeTable,
    findings: findings(findingsInput(plan, progress, input.metrics, evaluation)),
    findingsThresholds: thresholds, findingsRules: describeThresholds(thresholds),
    sections, ...(evaluationId ? { evaluationId } : {}),
  };
}


export const REPORT_CSV_COLUMNS = ['section', 'language', 'scale', 'method', 'subset', 'step', 'flops', 'metric', 'value'] as const;

/** Long ("tidy") format: one value a row; subsets are joined with '+'. */
export function reportCsv(r: ExperimentReport): string {
  const rows: (string | number)[][] = [[...REPORT_CSV_COLUMNS]];
  const add = (section: string, language: string, scale: number | '', method: string, subset: string, step: number | '', flops: number | '', metric: string, value: number | string | undefined) => {
    if (value !== undefined) rows.push([section, language, scale, method, subset, step, flops, metric, value]);
  };
  for (const c of r.curves) {
    for (const p of c.points) {
      add('forgetting', c.language, c.scale, '', '', p.step, p.flops, 'target_loss', p.target);
      add('forgetting', c.language, c.scale, '', '', p.step, p.flops, 'english_loss', p.english);
    }
  }
  for (const g of r.gains) {
    for (const [metric, v] of [['target_start', g.targetStart], ['target_loss', g.target], ['target_drop', g.targetDrop], ['english_start', g.englishStart], ['english_loss', g.english], ['english_rise', g.englishRise]] as const) {
      add('gains', g.language, g.scale, '', '', '', g.flops, metric, v);
    }
  }
  for (const m of r.mergeTable) {
    const subset = m.subset.join('+');
    for (const [metric, v] of [['loss', m.loss], ['accuracy', m.accuracy], ['expert_loss', m.expertLoss], ['expert_accuracy', m.expertAccuracy], ['base_loss', m.baseLoss]] as const) {
      add('merges', m.language, m.scale, m.method, subset, '', '', metric, v);
    }
    const d = m.accuracyDifference;
    if (d) for (const [metric, v] of [['accuracy_minus_expert', d.difference], ['accuracy_minus_expert_ci_low', d.lo], ['accuracy_minus_expert_ci_high', d.hi], ['accuracy_mcnemar_p', d.p], ['accuracy_pairs', d.pairs]] as const) add('merges', m.language, m.scale, m.method, subset, '', '', metric, v);
  }
  for (const m of r.models) {
    const method = m.method ?? m.kind;
    const subset = m.subset?.join('+') ?? m.language ?? '';
    for (const [language, s] of Object.entries(m.scores)) {
      add('scores', language, m.scale, method, subset, '', '', 'valid_loss', s.loss);
      add('scores', language, m.scale, method, subset, '', '', 'accuracy', s.accuracy);
    }
  }
  for (const f of r.findings) {
    add('findings', '', '', '', '', '', '', f.id, f.supported);
    add('findings', '', '', '', '', '', '', `${f.id}:evidence`, f.evidence);
    add('findings', '', '', '', '', '', '', `${f.id}:rule`, f.rule);
  }
  for (const [k, v] of Object.entries(r.findingsThresholds)) add('findings', '', '', '', '', '', '', `threshold:${k}`, v);
  return rows.map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}
