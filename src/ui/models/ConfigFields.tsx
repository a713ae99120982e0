// Inputs for every LlamaConfig field, with Hugging Face names as labels.
import type { HiddenAct } from '../../core/model/config';
import { type ConfigDraft, NUMERIC_FIELDS } from './configDraft';

export function ConfigFields({ draft, onChange }: { draft: ConfigDraft; onChange: (d: ConfigDraft) => void }) {
  const set = <K extends keyof ConfigDraft>(k: K, v: ConfigDraft[K]) => onChange({ ...draft, [k]: v });
  return (
    <div className="grid-form">
      {NUMERIC_FIELDS.map((f) => (
        <label key={f} className="field">
          <span>{f}</span>
          <input inputMode="decimal" data-testid={`config-${f}`} value={draft[f]} onChange={(e) => set(f, e.target.value)} />
        </label>
      ))}
      <label className="field">
        <span>hidden_act</span>
        <select data-testid="config-hidden_act" value={draft.hidden_act} onChange={(e) => set('hidden_act', e.target.value as HiddenAct)}>
          <option value="silu">silu</option>
          <option value="gelu">gelu</option>
        </select>
      </label>
      <label className="field check">
        <input type="checkbox" data-testid="config-tie_word_embeddings" checked={draft.tie_word_embeddings} onChange={(e) => set('tie_word_embeddings', e.target.checked)} />
        <span>tie_word_embeddings</span>
      </label>
    </div>
  );
}
