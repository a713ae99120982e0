// The memory planner before Start, in the Train and Adapt forms: for the chosen model and the batch
// shape, micro-batch and recompute as typed, one line saying what fits against this device
// (core/train/memoryPlan.ts's planTraining, against the limits the store knows: the same plan
// studio.planMemory returns), what 'auto' decided, what to change when it does not fit, and the
// parts on demand. Nothing while a field it reads is invalid: the form says that field's problem.
import type { LlamaConfig } from '../../core/model/config';
import { size } from '../../core/model/memory';
import { planTraining, type TrainingPlan, validatePlanSettings } from '../../core/train/memoryPlan';
import { deviceLimitsOf } from '../../state/deviceLimits';
import { planOptionsOf } from '../../state/memoryPlan';
import { useStudio } from '../../state/store';

/** The plan of the options as the form would hand them to studio.train, or undefined while one is invalid. */
function planOf(config: LlamaConfig, options: Record<string, unknown>, limits: Parameters<typeof planTraining>[2], planOptions: Parameters<typeof planTraining>[3]): TrainingPlan | undefined {
  const { batchSize, seqLen, microBatch, recompute } = options;
  try {
    return planTraining(config, validatePlanSettings({ batchSize, seqLen, microBatch, recompute }, config.max_position_embeddings), limits, planOptions);
  } catch {
    return undefined;
  }
}

export function MemoryPlanLine({ config, options, testId }: { config: LlamaConfig; options: Record<string, unknown>; testId: string }) {
  const backend = useStudio((s) => s.backend);
  const storage = useStudio((s) => s.storage);
  const fusedAdamw = useStudio((s) => s.fusedAdamw);
  const plan = planOf(config, options, deviceLimitsOf({ backend, storage }), planOptionsOf({ backend, fusedAdamw }));
  if (!plan) return null;
  const b = plan.largestBuffer;
  return (
    <div className={`memory-plan${plan.fits ? '' : ' memory-plan-over'}`} data-testid={testId} data-fits={plan.fits} data-peak={Math.round(plan.chosen.peak)}>
      <p className="memory-plan-line">
        <span className="memory-plan-mark" aria-hidden="true">{plan.fits ? '✓' : '⚠'}</span>
        <span>
          <span className="memory-plan-label">memory:</span> <span data-testid={`${testId}-verdict`}>{plan.verdict}</span>
          <span className="muted" data-testid={`${testId}-recompute`}> · {plan.recompute.reason}</span>
        </span>
      </p>
      {plan.advice && <p className="warn-text" data-testid={`${testId}-advice`}>⚠ {plan.advice}</p>}
      <details className="memory-plan-parts">
        <summary>parts of the step</summary>
        <dl className="cost-grid" data-testid={`${testId}-parts`}>
          <dt>parameters</dt>
          <dd>{plan.parameters.toLocaleString('en-US')}</dd>
          <dt>weights (f32)</dt>
          <dd data-part="weights">{size(plan.weights)}</dd>
          <dt>gradients</dt>
          <dd data-part="gradients">{size(plan.gradients)}{plan.rows < plan.settings.batchSize && <span className="muted"> (the sum so far and one pass's)</span>}</dd>
          <dt>AdamW state</dt>
          <dd data-part="optimizer">{size(plan.optimizer)} <span className="muted">(two moments)</span></dd>
          <dt>activations</dt>
          <dd data-part="activations">{size(plan.withRecompute.activations)} with recompute · {size(plan.withoutRecompute.activations)} without <span className="muted">(one pass of {plan.rows} × {plan.settings.seqLen})</span></dd>
          <dt>peak per step</dt>
          <dd data-part="peak">{size(plan.withRecompute.peak)} with recompute · {size(plan.withoutRecompute.peak)} without <span className="muted">(this run: {plan.recompute.on ? 'with' : 'without'})</span></dd>
          <dt>held against</dt>
          <dd data-part="budget">{size(plan.budget.bytes)}, {plan.budget.source}</dd>
          <dt>largest whole buffer</dt>
          <dd data-part="buffer">{size(b.bytes)} <span className="muted">({b.name} [{b.shape.join(', ')}]{b.limit ? `; this GPU binds up to ${size(b.limit.bytes)}, ${b.limit.name}` : '; no GPU limit on this backend'})</span></dd>
          {plan.split.length > 0 && (
            <>
              <dt>split over the limit</dt>
              <dd data-part="split">{plan.split.map((x) => `${x.name} [${x.shape.join(', ')}] (${size(x.bytes)}) into ${x.parts} ${x.how}`).join('; ')}</dd>
            </>
          )}
        </dl>
      </details>
    </div>
  );
}
