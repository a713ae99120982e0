// Learning-rate schedules. 'wsd' is the paper's: linear warmup, constant, then linear decay to
// 0 over the last `decayFraction` of the steps. 'cosine' decays to minLrRatio x lr.

export type ScheduleKind = 'wsd' | 'cosine' | 'constant';
export const SCHEDULE_KINDS: ScheduleKind[] = ['wsd', 'cosine', 'constant'];

export interface ScheduleOptions {
  kind: ScheduleKind;
  lr: number;
  totalSteps: number;
  warmupSteps: number;
  /** wsd: share of the steps spent decaying to zero. */
  decayFraction: number;
  /** cosine: final learning rate as a share of lr. */
  minLrRatio: number;
}

/** Learning rate for the 0-based step `step`. */
export function learningRate(o: ScheduleOptions, step: number): number {
  if (o.warmupSteps > 0 && step < o.warmupSteps) return (o.lr * (step + 1)) / o.warmupSteps;
  switch (o.kind) {
    case 'constant':
      return o.lr;
    case 'wsd': {
      const decaySteps = Math.round(o.totalSteps * o.decayFraction);
      const decayStart = o.totalSteps - decaySteps;
      if (decaySteps <= 0 || step < decayStart) return o.lr;
      // Reaches exactly 0 after the last step, as a linear decay "to 0 over the last 20 %".
      return (o.lr * (o.totalSteps - step)) / (decaySteps + 1);
    }
    case 'cosine': {
      const span = Math.max(1, o.totalSteps - o.warmupSteps);
      const progress = Math.min(1, (step - o.warmupSteps) / span);
      const min = o.lr * o.minLrRatio;
      return min + 0.5 * (o.lr - min) * (1 + Math.cos(Math.PI * progress));
    }
  }
}
