// The report's adaptation curves against training FLOPs: English loss minus its step-0 value
// (forgetting) and the target language's loss, one line per language and scale (solid for the
// base size, dashed for grown models), coloured by language (languageColors.ts) as everywhere in the studio.
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatFlops } from '../shared/format';
import type { ExperimentReport, ReportPoint } from '../../core/experiment/report';
import { CHART_HEIGHT, CHART_MARGIN, LOSS_AXIS, LOSS_TOOLTIP } from '../shared/chartStyle';
import { languageColor } from '../shared/languageColors';

interface Series {
  id: string;
  name: string;
  color: string;
  dashed: boolean;
  points: { x: number; y: number }[];
}

/** "1.35 G" on the axis, "1.35 GFLOP" in the tooltip. */
const flopTick = (v: number) => (v === 0 ? '0' : formatFlops(v).replace('FLOP', ''));

function series(r: ExperimentReport, y: (p: ReportPoint, first: ReportPoint) => number): Series[] {
  return r.curves.map((c) => ({
    id: c.stageId,
    name: `${c.language} x${c.scale}`,
    color: languageColor(c.language),
    dashed: c.scale > 1,
    points: c.points.map((p) => ({ x: p.flops, y: y(p, c.points[0]) })),
  }));
}

function FlopChart({ testId, title, lines, yLabel, zeroLine }: { testId: string; title: string; lines: Series[]; yLabel: string; zeroLine?: boolean }) {
  return (
    <div className="chart" data-testid={testId} data-lines={lines.length}>
      <h3>{title} <span className="muted">({yLabel})</span></h3>
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <LineChart margin={CHART_MARGIN}>
          <CartesianGrid stroke="#e5e7eb" />
          <XAxis dataKey="x" type="number" domain={[0, 'dataMax']} tick={{ fontSize: 11 }} tickFormatter={flopTick} allowDuplicatedCategory={false} />
          <YAxis {...LOSS_AXIS} />
          <Tooltip {...LOSS_TOOLTIP} labelFormatter={(v) => `${formatFlops(Number(v))} of training`} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {zeroLine && <ReferenceLine y={0} stroke="#9ca3af" strokeDasharray="4 3" />}
          {lines.map((l) => (
            <Line key={l.id} data={l.points} dataKey="y" name={l.name} stroke={l.color} strokeDasharray={l.dashed ? '6 3' : undefined} dot={{ r: 2 }} strokeWidth={1.5} isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
      {lines.length === 0 && <div className="chart-empty muted">no evaluations yet</div>}
    </div>
  );
}

export function ExperimentCharts({ report: r }: { report: ExperimentReport }) {
  return (
    <div className="chart-grid">
      <FlopChart testId="report-chart-forgetting" title="English forgetting" yLabel="English loss − its step-0 value, nats" lines={series(r, (p, first) => p.english - first.english)} zeroLine />
      <FlopChart testId="report-chart-target" title="Target-language loss" yLabel="validation loss, nats" lines={series(r, (p) => p.target)} />
    </div>
  );
}
