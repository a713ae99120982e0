// Gathers the numbers the findings need from what the studio stores: each adapt run's metric
// points (target and English validation loss against FLOPs) and the final evaluation's
// validation rows and suite accuracies for the experts and the merges.
import { type EvaluationResult, languageAccuracy } from '../eval/report';
import type { MetricPoint } from '../train/settings';
import type { ExpertNumber, FindingsInput, MergeNumber, RunCurve } from './findings';
import type { ExperimentPlan } from './plan';
import type { Progress } from './resume';

function number(evaluation: EvaluationResult, checkpoint: string | undefined, language: string): { loss: number; accuracy?: number; checkpoint: string } | undefined {
  if (!checkpoint) return undefined;
  const row = evaluation.validation.find((v) => v.checkpoint === checkpoint && v.language === language);
  if (!row) return undefined;
  const accuracy = languageAccuracy(evaluation, checkpoint).get(language);
  return { loss: row.loss, ...(accuracy === undefined ? {} : { accuracy }), checkpoint };
}

/**
 * `metrics` maps run ids to their metric points (in step order); `evaluation` is the result of
 * the plan's evaluate stage. Stages without numbers are left out; findings then say what is missing.
 */
export function findingsInput(plan: ExperimentPlan, progress: Progress, metrics: Record<string, MetricPoint[]>, evaluation?: EvaluationResult): FindingsInput {
  const curves: RunCurve[] = [];
  const experts: ExpertNumber[] = [];
  const merges: MergeNumber[] = [];
  for (const stage of plan.stages) {
    const record = progress[stage.id];
    if (stage.kind === 'adapt') {
      const points = (record?.runId ? metrics[record.runId] ?? [] : []).flatMap((m) => {
        const target = m.valid?.[stage.corpus];
        const english = m.valid?.[stage.replayCorpus];
        return target === undefined || english === undefined ? [] : [{ flops: m.flops, target, english }];
      });
      if (points.length) curves.push({ language: stage.language, scale: stage.scale, points });
      const n = evaluation && number(evaluation, record?.checkpointId, stage.language);
      if (n) experts.push({ language: stage.language, scale: stage.scale, ...n });
    } else if (stage.kind === 'merge' && evaluation) {
      for (const language of stage.subset) {
        const n = number(evaluation, record?.checkpointId, language);
        if (n) merges.push({ method: stage.method, subset: stage.subset, scale: stage.scale, language, ...n });
      }
    }
  }
  return { curves, experts, merges, ...(evaluation ? { evaluation } : {}) };
}
