// The checkpoints in this browser, newest first: one row each, the storage they use (whether it is
// persistent, and the workspace backup), and any manifests that failed validation. Clicking a row makes it the Train panel's starting point.
import { useStudio } from '../../state/store';
import { BackupSection, PersistenceNote } from './BackupSection';
import { CheckpointRow } from './CheckpointRow';
import { formatBytes, formatMB } from '../shared/format';

export function ModelsPanel() {
  const checkpoints = useStudio((s) => s.checkpoints);
  const damaged = useStudio((s) => s.damaged);
  return (
    <section className="panel" data-testid="models-panel">
      <h2>Models <span className="muted">({checkpoints.length})</span></h2>
      <StorageUsed />
      <PersistenceNote />
      <BackupSection />
      {checkpoints.length === 0 ? (
        <p className="muted">No checkpoints yet: create a model.</p>
      ) : (
        <ul className="rows">
          {checkpoints.map((c) => <CheckpointRow key={c.id} manifest={c} />)}
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

function StorageUsed() {
  const bytes = useStudio((s) => s.checkpoints.reduce((a, c) => a + c.bytes, 0));
  const storage = useStudio((s) => s.storage);
  return (
    <div className="muted small-text" data-testid="storage-used">
      checkpoints {formatMB(bytes)}
      {storage && storage.quota > 0 && ` · browser storage ${formatBytes(storage.usage)} of ${formatBytes(storage.quota)} (${((100 * storage.usage) / storage.quota).toFixed(1)}%)`}
    </div>
  );
}
