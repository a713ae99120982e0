// Every recorded run, newest first. Clicking one shows it in the progress box and the charts; an
// interrupted run (cut off by a reload) continues from its last snapshot.
import { useStudio } from '../state/store';
import { formatTime } from './format';
import { report } from './report';
import { useStudioApi } from './studioContext';
import { keepHandle, useShownRunId, viewRun } from './uiState';

export function RunsList() {
  const studio = useStudioApi();
  const runs = useStudio((s) => s.runs);
  const shown = useShownRunId();
  const list = Object.values(runs).sort((a, b) => b.record.createdAt.localeCompare(a.record.createdAt));
  if (list.length === 0) return null;
  const cont = (id: string) => void report(studio.runs.resume(id)).then((h) => h && keepHandle(h));
  return (
    <div className="runs">
      <h3>Runs <span className="muted">({list.length})</span></h3>
      <ul className="rows">
        {list.map(({ record: r, status, metrics }) => (
          <li key={r.id} className={`row run${r.id === shown ? ' selected' : ''}`} data-testid="run-row" data-id={r.id} data-status={status} onClick={() => viewRun(r.id)}>
            <span className="name">{r.settings.name}</span>
            <span className={`status ${status}`}>{status}</span>
            <span className="num muted">{metrics[metrics.length - 1]?.step ?? 0}/{r.settings.steps}</span>
            <span className="muted">{formatTime(r.createdAt)}</span>
            <span className="row-actions" onClick={(e) => e.stopPropagation()}>
              {status === 'interrupted' && <button data-testid="run-continue" onClick={() => cont(r.id)}>Continue</button>}
              {status !== 'running' && status !== 'paused' && <button className="link" data-testid="run-delete" onClick={() => void report(studio.runs.delete(r.id))}>delete</button>}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
