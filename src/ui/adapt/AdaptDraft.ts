// The Adapt panel's form as typed text, its starting values, and the options object it hands to
// studio.adapt and studio.flopMatchedPair (which validate them and throw naming the bad one).
// The grid's fields, labels, help and starting values come from ADAPT_SETTINGS (whose batch
// shape and evaluation entries are training's own), the replay bounds from its replay entry.
import { ADAPT_SETTINGS, type BudgetKind, REPLAY_SPEC } from '../../core/train/adapt';
import { parseCount } from '../shared/format';
import { isTextSpec, startText, type TextSpec } from '../shared/ParamForm';

export const BUDGET_KINDS: { id: BudgetKind; label: string }[] = [
  { id: 'steps', label: 'steps' },
  { id: 'tokens', label: 'tokens' },
  { id: 'flops', label: 'FLOPs' },
];

type AdaptSpec = (typeof ADAPT_SETTINGS)[number];
/** The settings typed in the form's grid: numbers not marked form: false, the replay share aside (it has its own slider). */
type GridSpec = Exclude<Extract<AdaptSpec, { kind: 'int' | 'number' }>, { form: false } | { name: 'replay' }>;
export type AdaptField = GridSpec['name'];

export const ADAPT_FIELDS: readonly (TextSpec & GridSpec)[] = ADAPT_SETTINGS.filter((s): s is TextSpec & GridSpec => isTextSpec(s) && s.name !== 'replay' && !('form' in s && s.form === false));

export type AdaptDraft = Record<AdaptField, string> & {
  target: string;
  /** Percent of each batch from English, 0 to REPLAY_SPEC.max × 100. */
  replay: string;
  budgetKind: BudgetKind;
  budget: string;
  name: string;
};

const target = ADAPT_SETTINGS.find((s) => s.name === 'target')!;

/** A short run that shows forgetting on a tiny model within a couple of minutes. */
export const INITIAL_ADAPT: AdaptDraft = {
  target: target.formDefault,
  replay: String(REPLAY_SPEC.default * 100),
  budgetKind: 'steps',
  budget: '100',
  name: '',
  ...(Object.fromEntries(ADAPT_FIELDS.map((s) => [s.name, startText(s)])) as Record<AdaptField, string>),
};

/** "1,000,000", "1_000_000", "1e6" → 1000000; an empty field with a default is left out for the API to fill. */
export function adaptOptions(from: string, d: AdaptDraft): { from: string; target: string; [k: string]: unknown } {
  const o: { from: string; target: string; [k: string]: unknown } = { from, target: d.target, replay: parseCount(d.replay) / 100, [d.budgetKind]: parseCount(d.budget) };
  for (const s of ADAPT_FIELDS) {
    if (s.default !== undefined && d[s.name].trim() === '') continue;
    o[s.name] = parseCount(d[s.name]);
  }
  if (d.name.trim()) o.name = d.name.trim();
  return o;
}
