// Beside the storage figure: whether the browser keeps the studio's storage (persistent) or may
// evict it, and the workspace backup: "Back up workspace…" streams one file (File System Access
// API where the browser has it, a download elsewhere); "Restore from backup…" checks the file,
// asks rename / skip / replace when items clash with the studio's, and restores.
import { useRef, useState } from 'react';
import type { ClashChoice, ItemRef } from '../../core/backup/plan';
import type { BackupSink } from '../../state/backup';
import { useStudio } from '../../state/store';
import { downloadBlob } from '../shared/download';
import { formatBytes } from '../shared/format';
import { report, useReport } from '../shared/report';
import { useStudioApi } from '../shared/studioContext';
import { type JobProgress, ProgressBox } from '../shared/ProgressBox';

interface SaveFilePicker {
  (options: { suggestedName: string; types: { description: string; accept: Record<string, string[]> }[] }): Promise<{ name: string; createWritable(): Promise<BackupSink> }>;
}

export function PersistenceNote() {
  const p = useStudio((s) => s.persistence);
  const studio = useStudioApi();
  if (!p) return null;
  if (p.persisted) return <div className="small-text persist ok" data-testid="persistence">Persistent storage granted: the browser will not evict the studio's data.</div>;
  return (
    <div className="small-text persist warn" data-testid="persistence">
      {p.supported ? 'Persistent storage not granted' : 'This browser cannot make storage persistent'}: the browser may evict the studio's data under storage pressure; keep a backup.
      {p.supported && <button className="link" data-testid="persist-request" onClick={() => void report(studio.persistStorage())}>{p.asked ? 'ask again' : 'ask now'}</button>}
    </div>
  );
}

const KIND_LABEL: Record<ItemRef['kind'], string> = { checkpoint: 'model', run: 'run', corpus: 'corpus', suite: 'suite', evaluation: 'evaluation', experiment: 'experiment', tokenizer: 'tokenizer' };
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function BackupSection() {
  const studio = useStudioApi();
  const [busy, setBusy] = useState<string>();
  const [status, setStatus] = useState<string>();
  const { error, run: attempt } = useReport();
  const [pending, setPending] = useState<{ file: File; clashes: ItemRef[] }>();
  const [progress, setProgress] = useState<JobProgress>();
  const input = useRef<HTMLInputElement>(null);

  async function run<T>(label: string, job: () => Promise<T>): Promise<T | undefined> {
    setBusy(label);
    setStatus(undefined);
    const result = await attempt(job); // a closed save dialog (AbortError) shows nothing
    setBusy(undefined);
    return result;
  }

  function backUp() {
    const name = `studio-backup-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.gumsbackup`;
    const picker = (window as unknown as { showSaveFilePicker?: SaveFilePicker }).showSaveFilePicker;
    void run('Writing the backup…', async () => {
      let saved = name;
      let res;
      if (typeof picker === 'function') {
        // The picker first, while the click still counts as the user's gesture; then stream into it.
        const handle = await picker({ suggestedName: name, types: [{ description: 'Studio workspace backup', accept: { 'application/octet-stream': ['.gumsbackup'] } }] });
        saved = handle.name;
        res = await studio.writeBackup(await handle.createWritable());
      } else {
        const parts: (Blob | Uint8Array)[] = [];
        res = await studio.writeBackup({ write: async (p) => void parts.push(p), close: async () => undefined });
        downloadBlob(name, new Blob(parts as BlobPart[], { type: 'application/octet-stream' }));
      }
      setStatus(`Backed up ${plural(res.items.length, 'item')} (${formatBytes(res.bytes)}) to ${saved}.${res.left.length ? ` Left out: ${res.left.join(' ')}` : ''}`);
    });
  }

  async function restore(file: File, onClash: ClashChoice) {
    setPending(undefined);
    // Shown at once; the bytes move as every entry is checked against its hash, before writing.
    const startedAt = Date.now();
    const label = `Restoring ${file.name}: checking every entry, then writing`;
    setProgress({ done: 0, total: 0, label, unit: 'bytes', startedAt });
    const r = await run(`Restoring ${file.name}…`, () => studio.restoreWorkspace(file, { onClash, onProgress: (done, total) => setProgress({ done, total, label, unit: 'bytes', startedAt }) }));
    setProgress(undefined);
    if (!r) return;
    const written = r.restored.length + r.renamed.length + r.replaced.length;
    const same = r.skipped.filter((x) => x.why === 'identical').length;
    const parts = [
      `Restored ${plural(written, 'item')} from ${file.name}`,
      r.renamed.length ? `${r.renamed.length} renamed` : '',
      r.replaced.length ? `${r.replaced.length} replaced` : '',
      same ? `${same} already here` : '',
      r.skipped.length - same ? `${r.skipped.length - same} clashing kept as they were` : '',
    ].filter(Boolean);
    setStatus(`${parts.join('; ')}.`);
  }

  async function chosen(file: File) {
    if (input.current) input.current.value = '';
    const info = await run(`Checking ${file.name}…`, () => studio.inspectBackup(file));
    if (!info) return;
    if (info.clashes.length) setPending({ file, clashes: info.clashes });
    else await restore(file, 'rename');
  }

  return (
    <div className="backup" data-testid="backup">
      <div className="backup-actions">
        <button data-testid="backup-save" disabled={!!busy} onClick={backUp}>Back up workspace…</button>
        <button data-testid="backup-restore" disabled={!!busy} onClick={() => input.current?.click()}>Restore from backup…</button>
        <input ref={input} type="file" accept=".gumsbackup,application/octet-stream" hidden data-testid="backup-file" onChange={(e) => e.target.files?.[0] && void chosen(e.target.files[0])} />
        {busy && <span className="muted small-text">{busy}</span>}
      </div>
      {progress && <ProgressBox progress={progress} testId="restore-progress" />}
      {pending && (
        <div className="backup-clash" data-testid="backup-clash">
          <p className="small-text">
            {plural(pending.clashes.length, 'item')} in {pending.file.name} {pending.clashes.length === 1 ? 'has' : 'have'} the id of one in this studio but other content:{' '}
            {pending.clashes.slice(0, 4).map((c) => `${KIND_LABEL[c.kind]} “${c.name}”`).join(', ')}{pending.clashes.length > 4 ? `, and ${pending.clashes.length - 4} more` : ''}.
          </p>
          <div className="backup-actions">
            <button data-testid="clash-rename" onClick={() => void restore(pending.file, 'rename')} title="The backup's items get new ids (and “(restored)” in their names); yours stay as they are">Keep both</button>
            <button data-testid="clash-skip" onClick={() => void restore(pending.file, 'skip')} title="Yours stay; the backup's clashing items are not restored">Keep mine</button>
            <button data-testid="clash-replace" className="danger" onClick={() => void restore(pending.file, 'replace')} title="The backup's items replace yours">Replace mine</button>
            <button className="link" data-testid="clash-cancel" onClick={() => setPending(undefined)}>cancel</button>
          </div>
        </div>
      )}
      {status && <div className="small-text" data-testid="backup-status">{status}</div>}
      {error && <div className="error-text" data-testid="backup-error">{error}</div>}
    </div>
  );
}
