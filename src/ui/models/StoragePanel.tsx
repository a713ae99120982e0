// The browser storage the studio uses: what the checkpoints take and the origin's quota, whether
// the storage is persistent, the dtype new checkpoints are stored in (StoragePrecision), and the workspace backup and restore (BackupSection).
import { useStudio } from '../../state/store';
import { BackupSection, PersistenceNote } from './BackupSection';
import { StoragePrecision } from './StoragePrecision';
import { formatBytes, formatMB } from '../shared/format';

export function StoragePanel() {
  return (
    <section className="panel" data-testid="storage-panel">
      <h2>Storage and backup</h2>
      <StorageUsed />
      <StoragePrecision />
      <PersistenceNote />
      <BackupSection />
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
