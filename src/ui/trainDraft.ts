// The Train panel's form as typed text, its starting values, and the options object it hands to
// studio.train (which validates them and throws naming the bad one).
import type { ScheduleKind } from '../core/train/schedule';

export interface MixRow {
  corpus: string;
  weight: string;
}

export const NUMERIC_TRAIN_FIELDS = [
  'steps', 'batchSize', 'seqLen', 'lr', 'warmupSteps', 'decayFraction', 'weightDecay', 'beta1', 'beta2',
  'clip', 'seed', 'evalEvery', 'evalTokens', 'checkpointEvery',
] as const;

export type NumericTrainField = (typeof NUMERIC_TRAIN_FIELDS)[number];

export type TrainDraft = Record<NumericTrainField, string> & {
  name: string;
  schedule: ScheduleKind;
  data: MixRow[];
  watch: string[];
};

/** Short-run values that train a tiny model visibly in a minute; settings.ts holds the API defaults. */
export const INITIAL_DRAFT: TrainDraft = {
  name: '',
  data: [{ corpus: 'eng-brown', weight: '1' }],
  steps: '200',
  batchSize: '8',
  seqLen: '64',
  lr: '0.003',
  warmupSteps: '10',
  schedule: 'wsd',
  decayFraction: '0.2',
  weightDecay: '0.01',
  beta1: '0.9',
  beta2: '0.95',
  clip: '1',
  seed: '0',
  evalEvery: '50',
  evalTokens: '4096',
  checkpointEvery: '100',
  watch: ['eng-brown'],
};

/** Text → number; an empty field becomes NaN so validation names it rather than reading 0. */
function num(text: string): number {
  return text.trim() === '' ? NaN : Number(text);
}

export function trainOptions(from: string, d: TrainDraft): Record<string, unknown> {
  const options: Record<string, unknown> = {
    from,
    data: d.data.map((r) => ({ corpus: r.corpus, weight: num(r.weight) })),
    schedule: d.schedule,
    watch: d.watch,
  };
  if (d.name.trim()) options.name = d.name.trim();
  for (const f of NUMERIC_TRAIN_FIELDS) options[f] = num(d[f]);
  return options;
}
