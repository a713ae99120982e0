// Which checkpoints an evaluation scores: a checkbox per checkpoint in this browser, newest first,
// with quick "all" and "none". The chosen ids live in the Evaluate panel.
import { useStudio } from '../../state/store';

export function CheckpointPicker({ value, onChange }: { value: string[]; onChange: (ids: string[]) => void }) {
  const checkpoints = useStudio((s) => s.checkpoints);
  return (
    <div className="eval-pick-box">
      <div className="eval-pick-head">
        <h3>Checkpoints <span className="muted">({value.length} of {checkpoints.length})</span></h3>
        <button className="link" onClick={() => onChange(checkpoints.map((c) => c.id))} disabled={checkpoints.length === 0}>all</button>
        <button className="link" onClick={() => onChange([])} disabled={value.length === 0}>none</button>
      </div>
      {checkpoints.length === 0 ? (
        <p className="muted">No checkpoints yet: create a model.</p>
      ) : (
        <ul className="rows eval-list">
          {checkpoints.map((c) => (
            <li className="row eval-item" key={c.id}>
              <label className="check-line" title={c.id}>
                <input type="checkbox" data-testid="eval-checkpoint" data-id={c.id} checked={value.includes(c.id)} onChange={(e) => onChange(toggle(value, c.id, e.target.checked))} />
                <span className="name">{c.name}</span>
              </label>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** `ids` with `id` added (on) or removed (off), keeping the order they were chosen in. */
export function toggle(ids: string[], id: string, on: boolean): string[] {
  const rest = ids.filter((x) => x !== id);
  return on ? [...rest, id] : rest;
}
