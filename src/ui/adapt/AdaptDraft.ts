// The Adapt panel's form as typed text, its starting values, and the options object it hands to
// studio.adapt and studio.flopMatchedPair (which validate them and throw naming the bad one).
// The grid's fields, labels, help and starting values come from ADAPT_SETTINGS (whose batch
// shape and evaluation entries are training's own), the replay bounds from its replay entry.
import { ADAPT_SETTINGS, budgetOf, type BudgetKind, REPLAY_SPEC, stepsForBudget } from '../../core/train/adapt';
import type { LlamaConfig } from '../../core/model/config';
import { settingErrors } from '../../core/params';
import { type TrainContext, trainSchemaContext } from '../../core/train/settings';
import { parseCount } from '../shared/format';
import { isTextSpec, startText, textValue, type TextSpec } from '../shared/ParamForm';

export const BUDGET_KINDS: { id: BudgetKind; label: string }[] = [
  { id: 'steps', label: 'steps' },
  { id: 'tokens', label: 'tokens' },
  { id: 'flops', label: 'FLOPs' },
];

type AdaptSpec = (typeof ADAPT_SETTINGS)[number];
/** The settings typed or picked in the form's grid: numbers and enums not marked form: false, the replay share aside (it has its own slider). */
type GridSpec = Exclude<Extract<AdaptSpec, { kind: 'int' | 'number' | 'enum' }>, { form: false } | { name: 'replay' }>;
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

/** Numbers as typed ("1,000,000", "1_000_000", "1e6" → 1000000), enums as picked; an empty field with a default is left out for the API to fill. */
export function adaptOptions(from: string, d: AdaptDraft): { from: string; target: string; [k: string]: unknown } {
  const o: { from: string; target: string; [k: string]: unknown } = { from, target: d.target, replay: parseCount(d.replay) / 100, [d.budgetKind]: parseCount(d.budget) };
  for (const s of ADAPT_FIELDS) {
    if (s.default !== undefined && d[s.name].trim() === '') continue;
    o[s.name] = textValue(s, d[s.name]);
  }
  if (d.name.trim()) o.name = d.name.trim();
  return o;
}

/**
 * Each field's problem as the form stands, by field name (the grid's setting names, `target`,
 * `replay` in the form's percent, `budget`): the checks studio.adapt runs, all at once. Warmup is
 * checked against the steps the budget buys, as the run will be.
 */
export function adaptDraftErrors(from: string, d: AdaptDraft, ctx: TrainContext, config: LlamaConfig): Record<string, string> {
  const o = adaptOptions(from, d);
  const errors: Record<string, string> = {};
  let steps: number | undefined;
  try {
    const budget = budgetOf(o as { steps?: unknown; tokens?: unknown; flops?: unknown });
    const batch = o.batchSize as number | undefined;
    const seq = o.seqLen as number | undefined;
    if (typeof batch === 'number' && typeof seq === 'number' && batch > 0 && seq > 0) steps = stepsForBudget(budget, config, batch, seq);
  } catch (e) {
    errors.budget = (e as Error).message.replace(/^(steps|tokens|flops) must/, 'must').replace(/, got .*$/, '');
  }
  const sc = trainSchemaContext(ctx);
  const found = settingErrors(ADAPT_SETTINGS, o, { ...sc, limits: { ...sc.limits, ...(steps === undefined ? {} : { steps }) } });
  if (found.replay) found.replay = `must be from ${REPLAY_SPEC.min * 100} to ${REPLAY_SPEC.max * 100} (% of each batch)`;
  return { ...found, ...errors };
}
