// One stored experiment in the Experiments list: name (a button: the list is one tab stop, arrow
// keys move between rows), status and creation time; a click selects it; Resume when it was
// interrupted or failed; a two-step delete. One running in another tab
// says so and offers neither.
import { useState } from 'react';
import { useStudio } from '../../state/store';
import type { ExperimentRecord } from '../../storage/experiments';
import { formatTime } from '../shared/format';
import { report } from '../shared/report';
import { useStudioApi } from '../shared/studioContext';

export function ExperimentRow({ record: r, selected, onSelect, tabbable, onFocus }: { record: ExperimentRecord; selected: boolean; onSelect: (id: string) => void; tabbable: boolean; onFocus: () => void }) {
  const studio = useStudioApi();
  const [confirming, setConfirming] = useState(false);
  const elsewhere = useStudio((st) => st.experimentsElsewhere.includes(r.id));
  const resumable = r.status === 'interrupted' || r.status === 'failed';
  const stage = r.stage ? r.plan.stages.find((s) => s.id === r.stage)?.title ?? r.stage : undefined;
  const tabIndex = tabbable ? 0 : -1;
  const resume = async () => {
    onSelect(r.id);
    await report(studio.experiments.resume(r.id));
  };
  return (
    <li className={`row experiment${selected ? ' selected' : ''}`} data-testid="experiment-row" data-id={r.id} data-status={r.status} data-elsewhere={elsewhere ? 'true' : undefined} onClick={() => onSelect(r.id)} onFocus={onFocus}>
      <div className="row-main">
        <button className="name row-pick" data-roving={r.id} tabIndex={tabIndex} aria-pressed={selected} title={`${r.id}: show its progress and report`}>{r.name}</button>
        <span className={`status ${r.status}`} title={elsewhere ? 'This experiment runs in another tab of the studio; it can be resumed or deleted here once that tab is closed.' : undefined}>{r.status}{elsewhere ? ' in another tab' : ''}</span>
      </div>
      <div className="row-sub muted">
        <span>{formatTime(r.createdAt)}</span>
        <span className="num">{r.plan.stages.length} stages</span>
        {stage && r.status !== 'completed' && <span title="the stage running now, or the one that stopped">at {stage}</span>}
        <span className="row-actions" onClick={(e) => e.stopPropagation()}>
          {resumable && <button className="small" data-testid="experiment-resume" tabIndex={tabIndex} onClick={() => void resume()}>Resume</button>}
          {elsewhere ? null : confirming ? (
            <>
              <button className="link danger" data-testid="experiment-delete-confirm" tabIndex={tabIndex} onClick={() => void report(studio.experiments.delete(r.id))}>delete for good</button>
              <button className="link" tabIndex={tabIndex} onClick={() => setConfirming(false)}>keep</button>
            </>
          ) : (
            <button className="link" data-testid="experiment-delete" tabIndex={tabIndex} aria-label={`delete experiment ${r.name}`} title="delete the experiment's record; its checkpoints and runs stay" onClick={() => setConfirming(true)}>delete</button>
          )}
        </span>
      </div>
    </li>
  );
}
