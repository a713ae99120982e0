// The checkpoints in this browser, newest first: one row each, and any manifests that failed
// validation. Clicking a row makes it the Train panel's starting point. The list is one tab stop
// (a roving focus: arrow keys move between rows), so a long list costs the keyboard nothing on
// the way to a view's forms. The storage they use is in StoragePanel.
import { useStudio } from '../../state/store';
import { CheckpointRow } from './CheckpointRow';
import { useRovingFocus } from '../shared/rovingFocus';
import { useUi } from '../shared/uiState';

export function ModelsPanel() {
  const checkpoints = useStudio((s) => s.checkpoints);
  const damaged = useStudio((s) => s.damaged);
  const selected = useUi((s) => s.fromId);
  const roving = useRovingFocus(checkpoints.map((c) => c.id), selected);
  return (
    <section className="panel" data-testid="models-panel">
      <h2>Models <span className="muted">({checkpoints.length})</span></h2>
      {checkpoints.length === 0 ? (
        <p className="muted">No checkpoints yet: <a href="#/models">create a model</a>.</p>
      ) : (
        <ul className="rows" aria-label="checkpoints" onKeyDown={roving.onKeyDown}>
          {checkpoints.map((c) => <CheckpointRow key={c.id} manifest={c} tabbable={c.id === roving.active} onFocus={() => roving.focusRow(c.id)} />)}
        </ul>
      )}
      {damaged.length > 0 && (
        <div className="damaged" data-testid="damaged">
          <strong>Damaged checkpoints ({damaged.length})</strong>
          <ul>{damaged.map((d, i) => <li key={i}>{d}</li>)}</ul>
        </div>
      )}
    </section>
  );
}
