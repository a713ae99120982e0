// A merged checkpoint's record in its details: method, base, experts with their parameters,
// global parameters, and the interference diagnostics summed up per layer.
import type { MergeRecord } from '../../core/checkpoint/manifest';
import { layerSummary, percent } from './MergeLayers';
import { MergeLineage } from './MergeLineage';

export function MergeDetails({ merge: r }: { merge: MergeRecord }) {
  const layers = layerSummary(r.diagnostics);
  return (
    <div className="growth-details" data-testid="checkpoint-merge">
      <MergeLineage merge={r} />
      {layers.length === 0 ? (
        <p className="muted">No interference diagnostics (merged without a base).</p>
      ) : (
        <table className="compare merge-layers" data-testid="checkpoint-merge-layers">
          <thead>
            <tr><th>layer</th><th>disagree before</th><th>after</th><th>kept</th></tr>
          </thead>
          <tbody>
            {layers.map((l) => (
              <tr key={l.layer}><th>{l.layer}</th><td>{percent(l.disagreeBefore)}</td><td>{percent(l.disagreeAfter)}</td><td>{percent(l.kept)}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
