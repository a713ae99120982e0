// The Adapt panel's form as typed text, its starting values, and the options object it hands to
// studio.adapt and studio.flopMatchedPair (which validate them and throw naming the bad one).
import type { BudgetKind } from '../core/train/adapt';
import { parseCount } from './format';

export const BUDGET_KINDS: { id: BudgetKind; label: string }[] = [
  { id: 'steps', label: 'steps' },
  { id: 'tokens', label: 'tokens' },
  { id: 'flops', label: 'FLOPs' },
];

export const ADAPT_FIELDS = [
  { key: 'batchSize', label: 'batch size' },
  { key: 'seqLen', label: 'seq len' },
  { key: 'lr', label: 'lr' },
  { key: 'warmupSteps', label: 'warmup steps', optional: true },
  { key: 'evalEvery', label: 'eval every', optional: true, title: 'steps between evaluations of gain, forgetting and grammar (empty: about a tenth of the run)' },
  { key: 'evalPairs', label: 'eval pairs', optional: true, title: 'minimal pairs per suite and evaluation' },
  { key: 'evalTokens', label: 'eval tokens', optional: true, title: 'validation tokens per watched corpus and evaluation (fewer: faster evaluations)' },
] as const;

export type AdaptField = (typeof ADAPT_FIELDS)[number]['key'];

export type AdaptDraft = Record<AdaptField, string> & {
  target: string;
  /** Percent of each batch from English, 0 to 50. */
  replay: string;
  budgetKind: BudgetKind;
  budget: string;
  name: string;
};

/** A short run that shows forgetting on a tiny model within a couple of minutes. */
export const INITIAL_ADAPT: AdaptDraft = {
  target: 'udhr-isl',
  replay: '0',
  budgetKind: 'steps',
  budget: '100',
  batchSize: '8',
  seqLen: '64',
  lr: '0.003',
  warmupSteps: '5',
  evalEvery: '',
  evalPairs: '64',
  evalTokens: '1024',
  name: '',
};

/** "1,000,000", "1_000_000", "1e6" → 1000000; an empty field is NaN so validation names it. */
export function adaptOptions(from: string, d: AdaptDraft): { from: string; target: string; [k: string]: unknown } {
  const o: { from: string; target: string; [k: string]: unknown } = { from, target: d.target, replay: parseCount(d.replay) / 100, [d.budgetKind]: parseCount(d.budget) };
  for (const f of ADAPT_FIELDS) {
    if ('optional' in f && d[f.key].trim() === '') continue;
    o[f.key] = parseCount(d[f.key]);
  }
  if (d.name.trim()) o.name = d.name.trim();
  return o;
}
