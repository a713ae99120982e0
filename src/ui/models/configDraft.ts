// A LlamaConfig as a form edits it: numbers kept as the typed text (so "1e-" can be typed on the
// way to "1e-5"), turned back into a config object that validateConfig then checks.
import { CONFIG_SETTINGS, type HiddenAct, type LlamaConfig } from '../../core/model/config';

export type ConfigDraft = { [K in keyof LlamaConfig]: LlamaConfig[K] extends number ? string : LlamaConfig[K] };

export type NumericField = { [K in keyof LlamaConfig]: LlamaConfig[K] extends number ? K : never }[keyof LlamaConfig];

/** The numeric fields in the schema's order (shape first, then the rest). */
export const NUMERIC_FIELDS = CONFIG_SETTINGS.filter((f) => f.kind === 'int' || f.kind === 'number').map((f) => f.name) as NumericField[];

export function draftFromConfig(c: LlamaConfig): ConfigDraft {
  const d = { ...c } as unknown as Record<string, unknown>;
  for (const f of NUMERIC_FIELDS) d[f] = String(c[f]);
  return d as ConfigDraft;
}

/** The draft as a plain object; an empty or non-numeric text becomes NaN, which validation names. */
export function configFromDraft(d: ConfigDraft): Record<string, number | boolean | HiddenAct> {
  const c: Record<string, number | boolean | HiddenAct> = { tie_word_embeddings: d.tie_word_embeddings, hidden_act: d.hidden_act };
  for (const f of NUMERIC_FIELDS) c[f] = d[f].trim() === '' ? NaN : Number(d[f]);
  return c;
}
