// Interference across layers for one merge (or its preview): per layer the share of entries where
// the experts' task vectors disagree in sign before and after the merge, and the share kept; then
// the tensors with the most disagreement left. Needs a base: without one there are no task vectors.
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { CHART_HEIGHT, CHART_MARGIN, COLORS } from '../shared/chartStyle';
import { PERCENT_AXIS } from '../shared/CurvePairsChart';
import { layerSummary, percent, type TensorDiagnostic, worstTensors } from './MergeLayers';

export function MergeDiagnosticsChart({ diagnostics, testId, stale }: { diagnostics: TensorDiagnostic[]; testId: string; stale?: boolean }) {
  if (diagnostics.length === 0) {
    return <p className="muted small-text" data-testid={testId}>No interference diagnostics: they compare task vectors, which need a base model.</p>;
  }
  const layers = layerSummary(diagnostics).map((l) => ({ layer: l.layer, before: 100 * l.disagreeBefore, after: 100 * l.disagreeAfter, kept: 100 * l.kept }));
  return (
    <div className={`merge-diagnostics${stale ? ' stale' : ''}`} data-testid={testId} data-layers={layers.length}>
      <h3>Sign interference by layer {stale && <span className="muted">(for earlier settings)</span>}</h3>
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <ComposedChart data={layers} margin={CHART_MARGIN}>
          <CartesianGrid stroke="#e5e7eb" />
          <XAxis dataKey="layer" type="category" tick={{ fontSize: 11 }} />
          <YAxis {...PERCENT_AXIS} />
          <Tooltip isAnimationActive={false} formatter={(v) => `${Number(v).toFixed(1)} %`} labelFormatter={(l) => (l === 'emb' || l === 'head' ? String(l) : `layer ${l}`)} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          <Bar dataKey="kept" name="kept" fill="#3b82f6" isAnimationActive={false} />
          <Line dataKey="before" name="disagree before" stroke={COLORS[1]} strokeWidth={1.5} isAnimationActive={false} />
          <Line dataKey="after" name="disagree after" stroke={COLORS[2]} strokeWidth={1.5} isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
      <WorstTensors diagnostics={diagnostics} />
    </div>
  );
}

function WorstTensors({ diagnostics }: { diagnostics: TensorDiagnostic[] }) {
  return (
    <table className="compare merge-worst" data-testid="merge-worst">
      <caption className="muted small-text">tensors with the most disagreement left after the merge</caption>
      <thead>
        <tr><th>tensor</th><th>disagree before</th><th>after</th><th>kept</th></tr>
      </thead>
      <tbody>
        {worstTensors(diagnostics).map((d) => (
          <tr key={d.name}>
            <th>{d.name}</th>
            <td>{percent(d.disagreeBefore)}</td>
            <td>{percent(d.disagreeAfter)}</td>
            <td>{percent(d.kept)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
