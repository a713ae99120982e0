// Picks any number of stored checkpoints (base, grown, adapted, experts, merges), one checkbox
// each, newest first as the store lists them; the Generate panel writes with each one picked.
import { useStudio } from '../../state/store';

export function CheckpointChecklist({ picked, onChange, disabled }: { picked: readonly string[]; onChange: (ids: string[]) => void; disabled?: boolean }) {
  const checkpoints = useStudio((s) => s.checkpoints);
  const toggle = (id: string, on: boolean) => onChange(checkpoints.map((c) => c.id).filter((x) => (x === id ? on : picked.includes(x))));
  return (
    <fieldset className="checkpoint-checklist" data-testid="generate-checkpoints" disabled={disabled}>
      <legend>checkpoints <span className="muted">({picked.length} picked)</span></legend>
      {checkpoints.length === 0 && <p className="muted small-text">No checkpoints yet: create or import a model first.</p>}
      <ul>
        {checkpoints.map((c) => (
          <li key={c.id}>
            <label className="check-line" title={c.name}>
              <input type="checkbox" data-testid="generate-pick" data-checkpoint={c.id} checked={picked.includes(c.id)} onChange={(e) => toggle(c.id, e.target.checked)} />
              <span>{c.name}</span>
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
