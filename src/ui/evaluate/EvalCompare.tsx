// Paired differences in one evaluation: a reference checkpoint (by default the first, which is the
// merged model in a merge-vs-experts evaluation) against every other on each suite's same pairs,
// as the difference in accuracy over all pairs with its 95 % interval and McNemar's exact p.
import { useState } from 'react';
import { comparePaired, type EvaluationResult, formatP, formatPoints } from '../../core/eval/report';
import { CheckpointSelect } from '../shared/CheckpointSelect';

export function EvalCompare({ result }: { result: EvaluationResult }) {
  const [refId, setRef] = useState(result.checkpoints[0]?.id ?? '');
  const reference = result.checkpoints.find((c) => c.id === refId) ?? result.checkpoints[0];
  if (!reference || result.checkpoints.length < 2) return null;
  const others = result.checkpoints.filter((c) => c.id !== reference.id);
  const rows = others.flatMap((c) => result.suites.map((s) => ({ c, s, d: comparePaired(result, reference.id, c.id, [s.id]) })));
  return (
    <div className="eval-compare" data-testid="eval-compare">
      <div className="eval-pick-head">
        <h3>Paired differences <span className="muted">(same pairs, McNemar's exact test)</span></h3>
        <CheckpointSelect testId="eval-compare-ref" value={reference.id} checkpoints={result.checkpoints} onChange={setRef} />
      </div>
      {rows.every((r) => !r.d) ? (
        <p className="muted small-text">This evaluation was saved without per-pair verdicts; evaluate again to compare checkpoints on the same pairs.</p>
      ) : (
        <div className="eval-table-wrap">
          <table className="compare eval-table">
            <caption className="muted small-text">{reference.name} minus each other checkpoint: accuracy over all pairs, in points; bold where not chance at the 5 % level (McNemar p &lt; 0.05 and, for pairs sharing source sentences, a cluster-bootstrap interval without 0)</caption>
            <thead>
              <tr><th>vs</th><th>suite</th><th>{reference.name}</th><th>other</th><th title="accuracy difference in points">Δ</th><th>95 %</th><th title="McNemar's exact test">p</th><th title="reference right and other wrong / the reverse">discordant</th></tr>
            </thead>
            <tbody>
              {rows.map(({ c, s, d }) => (
                <tr key={`${c.id}-${s.id}`} data-testid="eval-compare-row" data-checkpoint={c.id} data-suite={s.id} data-p={d?.p}>
                  <th title={c.id}>{c.name}</th>
                  <td>{s.name}</td>
                  <td>{d ? `${(100 * d.accuracyA).toFixed(1)} %` : '—'}</td>
                  <td>{d ? `${(100 * d.accuracyB).toFixed(1)} %` : '—'}</td>
                  <td data-testid="eval-compare-difference">{d ? (d.significant ? <b>{formatPoints(d.difference)}</b> : formatPoints(d.difference)) : 'no verdicts saved'}</td>
                  <td className="muted">{d ? `[${formatPoints(d.interval.lo)}, ${formatPoints(d.interval.hi)}]` : ''}</td>
                  <td>{d ? formatP(d.p) : ''}</td>
                  <td className="muted" title={`${reference.name} right and ${c.name} wrong / the reverse, of all pairs${d?.clustered ? '; pairs share source sentences' : ''}`}>{d ? `${d.onlyA} / ${d.onlyB} of ${d.n}` : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
