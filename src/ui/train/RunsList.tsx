// Every recorded run, newest first. Clicking one (or its name button: the list is one tab stop,
// arrow keys move between rows) shows it in the progress box and the charts; an
// interrupted run (cut off by a reload) continues from its last snapshot; a run live in another
// tab is shown from that tab's broadcasts and can only be controlled there.
import { useStudio } from '../../state/store';
import { formatTime } from '../shared/format';
import { report } from '../shared/report';
import { useRovingFocus } from '../shared/rovingFocus';
import { useStudioApi } from '../shared/studioContext';
import { keepHandle, useShownRunId, viewRun } from '../shared/uiState';

export function RunsList() {
  const studio = useStudioApi();
  const runs = useStudio((s) => s.runs);
  const shown = useShownRunId();
  const list = Object.values(runs).sort((a, b) => b.record.createdAt.localeCompare(a.record.createdAt));
  const roving = useRovingFocus(list.map((r) => r.record.id), shown);
  if (list.length === 0) return null;
  const cont = (id: string) => void report(studio.runs.resume(id)).then((h) => h && keepHandle(h));
  return (
    <div className="runs">
      <h3>Runs <span className="muted">({list.length})</span></h3>
      <ul className="rows" aria-label="runs" onKeyDown={roving.onKeyDown}>
        {list.map(({ record: r, status, metrics, elsewhere, unsavedResult }) => {
          const tabIndex = r.id === roving.active ? 0 : -1;
          return (
            <li key={r.id} className={`row run${r.id === shown ? ' selected' : ''}`} data-testid="run-row" data-id={r.id} data-status={status} data-elsewhere={elsewhere ? 'true' : undefined} onClick={() => viewRun(r.id)} onFocus={() => roving.focusRow(r.id)}>
              <button className="name row-pick" data-roving={r.id} tabIndex={tabIndex} aria-pressed={r.id === shown} title="show this run's progress and charts">{r.settings.name}</button>
              <span className={`status ${status}`} title={elsewhere ? 'This run trains in another tab of the studio; pause, stop or continue it there.' : r.error}>{status}{elsewhere ? ' in another tab' : ''}</span>
              <span className="num muted">{metrics[metrics.length - 1]?.step ?? 0}/{r.settings.steps}</span>
              <span className="muted">{formatTime(r.createdAt)}</span>
              <span className="row-actions" onClick={(e) => e.stopPropagation()}>
                {unsavedResult && <button data-testid="run-save-again" tabIndex={tabIndex} title="Save the trained weights this page still holds" onClick={() => void report(studio.runs.saveResult(r.id))}>Save again</button>}
                {status === 'interrupted' && <button data-testid="run-continue" tabIndex={tabIndex} onClick={() => cont(r.id)}>Continue</button>}
                {!elsewhere && status !== 'running' && status !== 'paused' && <button className="link" data-testid="run-delete" tabIndex={tabIndex} aria-label={`delete run ${r.settings.name}`} onClick={() => void report(studio.runs.delete(r.id))}>delete</button>}
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
