// The runs to compare, newest first, each with a checkbox; adaptation runs show their target,
// replay and budget so the halves of a FLOP-matched pair are easy to find.
import type { RunView } from '../../state/store';
import { formatCount, formatFlops } from '../shared/format';

export function CompareRunPicker({ runs, picked, onChange }: { runs: Record<string, RunView>; picked: string[]; onChange: (ids: string[]) => void }) {
  const list = Object.values(runs).sort((a, b) => b.record.createdAt.localeCompare(a.record.createdAt));
  if (list.length === 0) return <p className="muted small-text">No runs yet: train or adapt a model first.</p>;
  const toggle = (id: string, on: boolean) => onChange(on ? [...picked, id] : picked.filter((p) => p !== id));
  return (
    <ul className="rows compare-runs">
      {list.map(({ record: r, status }) => {
        const a = r.settings.adapt;
        return (
          <li key={r.id} className="row compare-run">
            <label className="check-line">
              <input type="checkbox" data-testid="compare-run" data-id={r.id} checked={picked.includes(r.id)} onChange={(e) => toggle(r.id, e.target.checked)} />
              <span className="name" title={r.id}>{r.settings.name}</span>
            </label>
            {a && <span className="tag" title="adaptation: target, replay, budget">{a.target} · {Math.round(a.replay * 100)} % · {a.budget.kind === 'flops' ? formatFlops(a.budget.value) : `${formatCount(a.budget.value)} ${a.budget.kind}`}</span>}
            <span className={`status ${status}`}>{status}</span>
          </li>
        );
      })}
    </ul>
  );
}
