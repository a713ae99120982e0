// Inputs for every LlamaConfig field, from its schema entry: Hugging Face names as labels, the
// entry's help as the tooltip, each field's own problem under it as it is typed (the rules
// between fields, such as heads dividing hidden_size, are validateConfig's message below).
import { Fragment, useId } from 'react';
import { CONFIG_SETTINGS, type HiddenAct } from '../../core/model/config';
import { settingErrors } from '../../core/params';
import { configFromDraft, type ConfigDraft, NUMERIC_FIELDS } from './configDraft';
import { FieldError, invalidProps } from '../shared/ParamForm';

const help = Object.fromEntries(CONFIG_SETTINGS.map((f) => [f.name, f.help])) as Record<string, string>;
const ACTIVATIONS = CONFIG_SETTINGS.find((f) => f.name === 'hidden_act')!.values;

export function ConfigFields({ draft, onChange }: { draft: ConfigDraft; onChange: (d: ConfigDraft) => void }) {
  const set = <K extends keyof ConfigDraft>(k: K, v: ConfigDraft[K]) => onChange({ ...draft, [k]: v });
  const uid = useId();
  const errors = settingErrors(CONFIG_SETTINGS, configFromDraft(draft), {});
  return (
    <div className="grid-form">
      {NUMERIC_FIELDS.map((f) => (
        <label key={f} className="field" title={help[f]}>
          <span><SnakeName name={f} /></span>
          <input inputMode="decimal" data-testid={`config-${f}`} {...invalidProps(`${uid}-${f}`, errors[f])} value={draft[f]} onChange={(e) => set(f, e.target.value)} />
          <FieldError id={`${uid}-${f}`} message={errors[f]} testId={`config-${f}-error`} />
        </label>
      ))}
      <label className="field" title={help.hidden_act}>
        <span>hidden_act</span>
        <select data-testid="config-hidden_act" value={draft.hidden_act} onChange={(e) => set('hidden_act', e.target.value as HiddenAct)}>
          {ACTIVATIONS.map((a) => <option key={a} value={a}>{a}</option>)}
        </select>
      </label>
      <label className="field check" title={help.tie_word_embeddings}>
        <input type="checkbox" data-testid="config-tie_word_embeddings" checked={draft.tie_word_embeddings} onChange={(e) => set('tie_word_embeddings', e.target.checked)} />
        <span><SnakeName name="tie_word_embeddings" /></span>
      </label>
    </div>
  );
}

/** A snake_case name that may wrap after an underscore (max_position_/embeddings) in a narrow cell. */
function SnakeName({ name }: { name: string }) {
  return <>{name.split('_').map((part, i) => <Fragment key={i}>{i > 0 && <>_<wbr /></>}{part}</Fragment>)}</>;
}
