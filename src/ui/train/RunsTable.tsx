// Every recorded run in one table: a column for its status, steps, final loss and duration and
// one for every hyperparameter (runsTable.ts), sortable by any header (a button; aria-sort says
// the order) and filtered by a text box. Ticking rows is how runs are picked for the comparison
// chart; a run's name shows it in the progress box and the live charts. The table scrolls inside
// its own box, so thirty columns never widen the page.
import { useMemo, useState } from 'react';
import type { RunView } from '../../state/store';
import { useStudio } from '../../state/store';
import { viewRun, useShownRunId } from '../shared/uiState';
import { cellText, filterRuns, nextSort, RUN_COLUMNS, type RunsSort, sortRuns } from './runsTable';

export function RunsTable({ runs, picked, onPick }: { runs: Record<string, RunView>; picked: string[]; onPick: (ids: string[]) => void }) {
  const checkpoints = useStudio((s) => s.checkpoints);
  const shown = useShownRunId();
  const [sort, setSort] = useState<RunsSort>({ column: 'createdAt', direction: 'descending' });
  const [filter, setFilter] = useState('');
  const ctx = useMemo(() => ({ checkpointName: (id: string) => checkpoints.find((c) => c.id === id)?.name }), [checkpoints]);
  const all = useMemo(() => Object.values(runs), [runs]);
  const rows = useMemo(() => sortRuns(filterRuns(all, filter, ctx), sort, ctx), [all, filter, sort, ctx]);
  if (all.length === 0) return <p className="muted small-text">No runs yet: train or adapt a model first.</p>;
  const toggle = (id: string, on: boolean) => onPick(on ? [...picked, id] : picked.filter((p) => p !== id));
  const header = (id: string, label: string, help?: string, numeric?: boolean) => (
    <th key={id} scope="col" aria-sort={sort.column === id ? sort.direction : 'none'} className={numeric ? 'num' : undefined}>
      <button type="button" className="sort" data-testid="runs-sort" data-column={id} title={help} onClick={() => setSort(nextSort(sort, id))}>
        {label}
        <span aria-hidden="true" className="sort-mark">{sort.column === id ? (sort.direction === 'ascending' ? '▲' : '▼') : ''}</span>
      </button>
    </th>
  );

  return (
    <div className="runs-table-block" data-testid="runs-table" data-rows={rows.length}>
      <div className="runs-table-head">
        <label className="field inline">
          <span>filter runs</span>
          <input type="search" data-testid="runs-filter" value={filter} placeholder="name, corpus, lr, status…" onChange={(e) => setFilter(e.target.value)} />
        </label>
        <span className="muted small-text">
          {rows.length} of {all.length} runs · tick runs to compare them below{picked.length ? ` (${picked.length} ticked)` : ''}
        </span>
      </div>
      <div className="runs-table-scroll" tabIndex={0} role="region" aria-label="runs table, scrolls sideways">
        <table className="runs-table">
          <thead>
            <tr>
              <th scope="col" className="pick"><span className="sr-only">compare</span></th>
              {header('name', 'run')}
              {RUN_COLUMNS.map((c) => header(c.id, c.label, c.help, c.numeric))}
            </tr>
          </thead>
          <tbody>
            {rows.map((v) => {
              const r = v.record;
              return (
                <tr key={r.id} data-testid="runs-table-row" data-id={r.id} className={r.id === shown ? 'selected' : undefined}>
                  <td className="pick">
                    <input type="checkbox" data-testid="compare-run" data-id={r.id} aria-label={`compare ${r.settings.name}`} checked={picked.includes(r.id)} onChange={(e) => toggle(r.id, e.target.checked)} />
                  </td>
                  <th scope="row" className="run-name">
                    <button type="button" className="link" aria-pressed={r.id === shown} title="show this run's progress and live charts" onClick={() => viewRun(r.id)}>{r.settings.name}</button>
                  </th>
                  {RUN_COLUMNS.map((c) => {
                    const text = cellText(c, c.value(v, ctx));
                    return <td key={c.id} className={c.numeric ? 'num' : c.id === 'status' ? `status ${v.status}` : undefined} data-column={c.id} title={text.length > 24 ? text : undefined}>{text}</td>;
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
