// Interference across layers for one merge (or its preview): per layer the share of entries where
// the experts' task vectors disagree in sign before and after the merge, and the share kept; then
// the tensors with the most disagreement left. Needs a base: without one there are no task vectors.
// It sits in the shared ChartFrame for its PNG and CSV export; smoothing, log y and zoom belong
// to training curves, not to one bar per layer.
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { csvText } from '../shared/chartData';
import { ChartFrame } from '../shared/ChartFrame';
import { CHART_HEIGHT, CHART_MARGIN, COLORS } from '../shared/chartStyle';
import { PERCENT_AXIS } from '../shared/CurvePairsChart';
import { layerSummary, percent, type TensorDiagnostic, worstTensors } from './MergeLayers';

const KEPT_FILL = '#3b82f6';

export function MergeDiagnosticsChart({ diagnostics, testId, stale, subject }: { diagnostics: TensorDiagnostic[]; testId: string; stale?: boolean; subject?: string }) {
  if (diagnostics.length === 0) {
    return <p className="muted small-text" data-testid={testId}>No interference diagnostics: they compare task vectors, which need a base model.</p>;
  }
  const layers = layerSummary(diagnostics).map((l) => ({ layer: l.layer, before: 100 * l.disagreeBefore, after: 100 * l.disagreeAfter, kept: 100 * l.kept }));
  return (
    <ChartFrame
      testId={testId}
      className={`merge-diagnostics${stale ? ' stale' : ''}`}
      data={{ layers: layers.length }}
      title={<>Sign interference by layer {stale && <span className="muted">(for earlier settings)</span>}</>}
      exportAs={{
        subject,
        chart: 'sign interference by layer',
        legend: [{ name: 'kept', color: KEPT_FILL }, { name: 'disagree before', color: COLORS[1] }, { name: 'disagree after', color: COLORS[2] }],
        csv: () => csvText(['layer', 'kept_percent', 'disagree_before_percent', 'disagree_after_percent'], layers.map((l) => [l.layer, l.kept, l.before, l.after])),
      }}
    >
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <ComposedChart data={layers} margin={{ ...CHART_MARGIN, bottom: 14, left: 4 }}>
          <CartesianGrid stroke="#e5e7eb" />
          <XAxis dataKey="layer" type="category" tick={{ fontSize: 11 }} height={36} label={{ value: 'layer (emb: embeddings, head: output)', position: 'insideBottom', offset: 0, fontSize: 11, fill: '#4b5563' }} />
          <YAxis {...PERCENT_AXIS} width={58} label={{ value: 'share of entries (%)', angle: -90, position: 'insideLeft', offset: 8, fontSize: 11, fill: '#4b5563', style: { textAnchor: 'middle' } }} />
          <Tooltip isAnimationActive={false} formatter={(v) => `${Number(v).toFixed(1)} %`} labelFormatter={(l) => (l === 'emb' || l === 'head' ? String(l) : `layer ${l}`)} />
          <Legend verticalAlign="top" wrapperStyle={{ fontSize: 11, paddingBottom: 4 }} />
          <Bar dataKey="kept" name="kept" fill={KEPT_FILL} isAnimationActive={false} />
          <Line dataKey="before" name="disagree before" stroke={COLORS[1]} strokeWidth={1.5} isAnimationActive={false} />
          <Line dataKey="after" name="disagree after" stroke={COLORS[2]} strokeWidth={1.5} isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
      <WorstTensors diagnostics={diagnostics} />
    </ChartFrame>
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
