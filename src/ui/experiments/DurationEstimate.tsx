// How long the chosen preset takes here: its plan's training FLOPs at the FLOP rate this
// device's latest runs measured (core/experiment/duration.ts), or a plain word that it has not
// been measured yet.
import { useMemo } from 'react';
import { describeDuration, measuredRate } from '../../core/experiment/duration';
import { planExperiment } from '../../core/experiment/plan';
import type { Recipe } from '../../core/experiment/recipe';
import { useStudio } from '../../state/store';

export function DurationEstimate({ recipe }: { recipe: Recipe }) {
  const runs = useStudio((s) => s.runs);
  // Recomputed when a run's points change: its rate is part of the measurement.
  const rate = useMemo(() => measuredRate(Object.values(runs).filter((v) => v.status !== 'running' && v.status !== 'paused').map((v) => ({ createdAt: v.record.createdAt, metrics: v.metrics }))), [runs]);
  const flops = useMemo(() => {
    try {
      return planExperiment(recipe).trainingFlops;
    } catch {
      return undefined; // a recipe that starts from a checkpoint needs its config: no estimate here
    }
  }, [recipe]);
  if (flops === undefined) return null;
  const d = describeDuration(flops, rate);
  return (
    <p className="muted small-text" data-testid="experiment-estimate" data-measured={rate ? 'yes' : 'no'} data-low={d.seconds?.low} data-high={d.seconds?.high}>
      {d.text}
    </p>
  );
}
