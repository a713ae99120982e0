// The Train panel's form as typed text, its starting values, and the options object it hands to
// studio.train (which validates them and throws naming the bad one). The fields, their labels,
// help and starting values come from TRAIN_SETTINGS; a new setting there appears here.
import { settingErrors } from '../../core/params';
import { TRAIN_SETTINGS, type TrainContext, trainSchemaContext } from '../../core/train/settings';
import { parseCount } from '../shared/format';
import { isTextSpec, startText, textValue, type TextSpec } from '../shared/ParamForm';

export interface MixRow {
  corpus: string;
  weight: string;
}

type TrainSpec = (typeof TRAIN_SETTINGS)[number];
/** The settings typed or picked in the form's grid: numbers and enums not marked form: false. */
type GridSpec = Exclude<Extract<TrainSpec, { kind: 'int' | 'number' | 'enum' }>, { form: false }>;
export type TrainGridField = GridSpec['name'];

export const TRAIN_GRID_FIELDS: readonly (TextSpec & GridSpec)[] = TRAIN_SETTINGS.filter((s): s is TextSpec & GridSpec => isTextSpec(s) && !('form' in s && s.form === false));

export type TrainDraft = Record<TrainGridField, string> & {
  name: string;
  data: MixRow[];
  watch: string[];
};

const data = TRAIN_SETTINGS.find((s) => s.name === 'data')!;
const watch = TRAIN_SETTINGS.find((s) => s.name === 'watch')!;

/** Each setting's form default (a short run that trains a tiny model visibly in a minute). */
export const INITIAL_DRAFT: TrainDraft = {
  name: '',
  data: data.formDefault.map((d) => ({ corpus: d.corpus, weight: String(d.weight) })),
  watch: [...watch.formDefault],
  ...(Object.fromEntries(TRAIN_GRID_FIELDS.map((s) => [s.name, startText(s)])) as Record<TrainGridField, string>),
};

export function trainOptions(from: string, d: TrainDraft): Record<string, unknown> {
  const options: Record<string, unknown> = {
    from,
    data: d.data.map((r) => ({ corpus: r.corpus, weight: parseCount(r.weight) })),
    watch: d.watch,
  };
  if (d.name.trim()) options.name = d.name.trim();
  for (const s of TRAIN_GRID_FIELDS) options[s.name] = textValue(s, d[s.name]);
  return options;
}

/**
 * Each field's problem as the form stands, by setting name: the checks studio.train runs, all at
 * once, so the form can say them as they are typed and keep Start disabled. Values are never
 * fitted to the model: a seq len above its max_position_embeddings is an error naming that limit.
 */
export function trainDraftErrors(from: string, d: TrainDraft, ctx: TrainContext): Record<string, string> {
  return settingErrors(TRAIN_SETTINGS, trainOptions(from, d), trainSchemaContext(ctx));
}
