// Where a FLOP-matched pair stands: the HyperCloned twin, the FLOPs each run gets, and which of
// the two runs (small first, then grown) is going. Each run is shown in the charts as it starts.
import { useEffect } from 'react';
import type { PairHandle } from '../../state/adapt';
import { useStudio } from '../../state/store';
import { formatFlops } from '../shared/format';
import { viewRun } from '../shared/uiState';

const ROLES = ['small model', 'grown model (×2)'];

export function AdaptPairStatus({ pair }: { pair: PairHandle }) {
  // runIds() is not reactive; a run starting or stepping changes `runs`, which re-renders this.
  const runs = useStudio((s) => s.runs);
  const grown = useStudio((s) => s.checkpoints.find((c) => c.id === pair.grownId));
  const ids = pair.runIds();
  const latest = ids[ids.length - 1];
  useEffect(() => {
    if (latest) viewRun(latest);
  }, [latest]);
  return (
    <div className="result-box pair-status" data-testid="adapt-pair-status" data-runs={ids.length}>
      <p>
        FLOP-matched pair: grown <b data-testid="adapt-pair-grown" data-id={pair.grownId}>{grown?.name ?? pair.grownId}</b>; each run gets <b>{formatFlops(pair.flops)}</b>.
      </p>
      <ul className="pair-runs">
        {ROLES.map((role, i) => {
          const view = ids[i] ? runs[ids[i]] : undefined;
          const status = view?.status ?? 'waiting';
          return (
            <li key={role} data-testid="adapt-pair-run" data-id={ids[i] ?? ''} data-status={status}>
              {role}: <span className={`status ${status}`}>{status}</span>
              {view && <button className="link" onClick={() => viewRun(view.record.id)}>show</button>}
              {view && <span className="muted"> step {view.metrics[view.metrics.length - 1]?.step ?? 0}/{view.record.settings.steps}</span>}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
