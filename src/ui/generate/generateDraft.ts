// The Generate panel's settings as typed text, their starting values (GENERATION_SETTINGS'
// defaults), and the options object studio.generate takes. The fields, labels and help come
// from the schema; a new generation setting appears here.
import { settingErrors } from '../../core/params';
import { GENERATION_SETTINGS } from '../../core/model/generate';
import { startText, textValue, type TextSpec } from '../shared/ParamForm';

export type GenerateField = (typeof GENERATION_SETTINGS)[number]['name'];

export const GENERATE_FIELDS: readonly TextSpec[] = GENERATION_SETTINGS;

export type GenerateDraft = Record<GenerateField, string> & {
  prompt: string;
  /** One stop string; empty: none. */
  stop: string;
};

export const INITIAL_GENERATE: GenerateDraft = {
  prompt: 'The ',
  stop: '',
  ...(Object.fromEntries(GENERATION_SETTINGS.map((s) => [s.name, startText(s)])) as Record<GenerateField, string>),
};

/** The options studio.generate validates (numbers parsed; an empty stop string is no stop). */
export function generateOptions(d: GenerateDraft): Record<string, unknown> {
  const options: Record<string, unknown> = Object.fromEntries(GENERATION_SETTINGS.map((s) => [s.name, textValue(s, d[s.name])]));
  if (d.stop !== '') options.stop = [d.stop];
  return options;
}

/** Each field's problem as typed, by name; topK is bounded by the smallest vocabulary among the picked models. */
export function generateDraftErrors(d: GenerateDraft, vocabSize: number | undefined): Record<string, string> {
  const { stop: _stop, ...numbers } = generateOptions(d);
  return settingErrors(GENERATION_SETTINGS, numbers, { limits: { vocab_size: vocabSize } });
}
