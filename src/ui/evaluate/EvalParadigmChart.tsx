// Accuracy per paradigm of one suite of an evaluation: a row per paradigm (so long BLiMP names read
// across), a bar per checkpoint, chance marked at 50 %. The chart grows with the paradigm count.
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { EvaluationResult } from '../../core/eval/report';
import { CHART_MARGIN, COLORS } from '../shared/chartStyle';

/** Paradigm names (BLiMP UIDs run to 40+ characters) are cut to this on the axis. */
const MAX_LABEL = 32;

interface ParadigmPoint {
  paradigm: string;
  /** Accuracy in percent by checkpoint id. */
  values: Record<string, number>;
}

export function EvalParadigmChart({ result }: { result: EvaluationResult }) {
  const [suiteId, setSuiteId] = useState(result.suites[0]?.id ?? '');
  const suite = result.suites.find((s) => s.id === suiteId) ?? result.suites[0];
  const data = suite ? paradigmPoints(result, suite.id) : [];
  // Legend and tooltip list the checkpoints in the order the bars are drawn.
  const order = result.checkpoints.map((c) => c.name);
  return (
    <div className="chart eval-paradigms" data-testid="eval-paradigms">
      <div className="eval-pick-head">
        <h3>Accuracy by paradigm</h3>
        <select data-testid="eval-paradigm-suite" value={suite?.id ?? ''} onChange={(e) => setSuiteId(e.target.value)}>
          {result.suites.map((s) => <option key={s.id} value={s.id}>{s.name} ({s.language}{s.proxy ? ', proxy' : ''})</option>)}
        </select>
      </div>
      <ResponsiveContainer width="100%" height={chartHeight(data.length, result.checkpoints.length)}>
        <BarChart data={data} layout="vertical" margin={{ ...CHART_MARGIN, right: 20 }} barGap={1}>
          <CartesianGrid stroke="#e5e7eb" horizontal={false} />
          <XAxis type="number" domain={[0, 100]} ticks={[0, 25, 50, 75, 100]} tick={{ fontSize: 11 }} unit="%" />
          <YAxis type="category" dataKey="paradigm" tick={{ fontSize: 10 }} interval={0} width={labelWidth(data)} tickFormatter={(p: string) => (p.length > MAX_LABEL ? `${p.slice(0, MAX_LABEL - 1)}…` : p)} />
          <Tooltip isAnimationActive={false} cursor={{ fill: '#f3f4f6' }} formatter={(v) => `${Number(v).toFixed(1)} %`} itemSorter={(item) => order.indexOf(String(item.name))} />
          {result.checkpoints.length > 1 && <Legend wrapperStyle={{ fontSize: 11 }} itemSorter={null} />}
          <ReferenceLine x={50} stroke="#6b7280" strokeDasharray="4 3" label={{ value: 'chance', position: 'insideTopLeft', fontSize: 10, fill: '#6b7280' }} />
          {result.checkpoints.map((c, i) => (
            <Bar key={c.id} dataKey={(p: ParadigmPoint) => p.values[c.id]} name={c.name} fill={COLORS[i % COLORS.length]} maxBarSize={14} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

function paradigmPoints(result: EvaluationResult, suite: string): ParadigmPoint[] {
  const byParadigm = new Map<string, ParadigmPoint>();
  for (const row of result.rows.filter((r) => r.suite === suite)) {
    for (const p of row.paradigms) {
      const point = byParadigm.get(p.paradigm) ?? { paradigm: p.paradigm, values: {} };
      point.values[row.checkpoint] = 100 * p.accuracy;
      byParadigm.set(p.paradigm, point);
    }
  }
  return [...byParadigm.values()].sort((a, b) => a.paradigm.localeCompare(b.paradigm));
}

/** Room for every paradigm's bars, the axis and the legend. */
function chartHeight(paradigms: number, checkpoints: number): number {
  return Math.max(120, 56 + paradigms * (checkpoints * 11 + 10));
}

/** Axis width for the longest (cut) paradigm name at 10px type. */
function labelWidth(data: ParadigmPoint[]): number {
  // A fold, not Math.max(...): a suite may have as many paradigms as pairs, past the argument limit.
  const longest = data.reduce((m, p) => Math.max(m, Math.min(MAX_LABEL, p.paradigm.length)), 4);
  return Math.min(200, 12 + longest * 5.6);
}
