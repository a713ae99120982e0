// How long the chosen preset takes here (core/experiment/duration.ts): from whole experiments
// that ran on this device, else the training part from its latest runs' FLOP rate, else a plain
// word that nothing has been measured yet.
import { useMemo } from 'react';
import { describeDuration, measuredExperimentRate, measuredRate } from '../../core/experiment/duration';
import { planExperiment } from '../../core/experiment/plan';
import type { Recipe } from '../../core/experiment/recipe';
import { useStudio } from '../../state/store';

export function DurationEstimate({ recipe }: { recipe: Recipe }) {
  const runs = useStudio((s) => s.runs);
  const experiments = useStudio((s) => s.experiments);
  // Finished runs only: a live run's rate is still settling (its first step compiles kernels).
  const runRate = useMemo(() => measuredRate(Object.values(runs).filter((v) => v.status === 'completed' || v.status === 'stopped').map((v) => ({ createdAt: v.record.createdAt, metrics: v.metrics }))), [runs]);
  const experimentRate = useMemo(() => measuredExperimentRate(experiments, recipe.name), [experiments, recipe.name]);
  const flops = useMemo(() => {
    try {
      return planExperiment(recipe).trainingFlops;
    } catch {
      return undefined; // a recipe that starts from a checkpoint needs its config: no estimate here
    }
  }, [recipe]);
  if (flops === undefined) return null;
  const d = describeDuration(flops, { runs: runRate, experiments: experimentRate });
  return (
    <p className="muted small-text" data-testid="experiment-estimate" data-basis={d.basis} data-low={d.seconds?.low} data-high={d.seconds?.high}>
      {d.text}
    </p>
  );
}
