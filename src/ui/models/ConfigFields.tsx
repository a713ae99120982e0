// Inputs for every LlamaConfig field, from its schema entry: Hugging Face names as labels, the
// entry's help as the tooltip.
import { CONFIG_SETTINGS, type HiddenAct } from '../../core/model/config';
import { type ConfigDraft, NUMERIC_FIELDS } from './configDraft';

const help = Object.fromEntries(CONFIG_SETTINGS.map((f) => [f.name, f.help])) as Record<string, string>;
const ACTIVATIONS = CONFIG_SETTINGS.find((f) => f.name === 'hidden_act')!.values;

export function ConfigFields({ draft, onChange }: { draft: ConfigDraft; onChange: (d: ConfigDraft) => void }) {
  const set = <K extends keyof ConfigDraft>(k: K, v: ConfigDraft[K]) => onChange({ ...draft, [k]: v });
  return (
    <div className="grid-form">
      {NUMERIC_FIELDS.map((f) => (
        <label key={f} className="field" title={help[f]}>
          <span>{f}</span>
          <input inputMode="decimal" data-testid={`config-${f}`} value={draft[f]} onChange={(e) => set(f, e.target.value)} />
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
        <span>tie_word_embeddings</span>
      </label>
    </div>
  );
}
