// Runs overlaid in one chart: one line per run, each with its own points (runs evaluate at
// different steps, tokens and FLOPs), in the shared SeriesChart (smoothing, log y, zoom, export),
// and a vertical "equal compute" line at the FLOP budget of a FLOP-matched pair when the x axis
// counts FLOPs.
import { ReferenceLine } from 'recharts';
import type { ChartSeries } from '../shared/chartData';
import { type XKind } from '../shared/chartStyle';
import { PERCENT_AXIS } from '../shared/CurvePairsChart';
import { formatFlops } from '../shared/format';
import { SeriesChart } from '../shared/SeriesChart';

export function CompareChart({ lines, x, onX, percent, equalCompute, title, yTitle, continued }: { lines: ChartSeries[]; x: XKind; onX: (x: XKind) => void; percent: boolean; equalCompute?: number; title: string; yTitle: string; continued: boolean }) {
  const sparse = lines.every((l) => l.points.length < 60);
  const series = lines.map((l) => ({ ...l, sparse }));
  return (
    <div className="compare-chart" data-continued={continued ? 'true' : 'false'}>
      <SeriesChart
        testId="chart-compare"
        title={title}
        chart={`compare ${title}`}
        subject={lines.length ? lines.map((l) => l.name).join(' vs ') : undefined}
        yTitle={yTitle}
        valueName={percent ? 'accuracy_percent' : 'loss'}
        series={series}
        x={x}
        onX={onX}
        yAxis={percent ? PERCENT_AXIS : undefined}
        defaultSmoothing={0}
        empty="tick two or more runs in the table to compare them"
      >
        {equalCompute !== undefined && (
          <ReferenceLine x={equalCompute} stroke="#111827" strokeDasharray="5 3" ifOverflow="extendDomain" label={{ value: 'equal compute', position: 'insideTopLeft', fontSize: 10, fill: '#111827' }} />
        )}
      </SeriesChart>
      {equalCompute !== undefined && (
        <p className="curve-note" data-testid="equal-compute" data-flops={equalCompute}>
          The dashed line marks the equal compute both runs of the FLOP-matched pair were given ({formatFlops(equalCompute)}): compare the two there.
        </p>
      )}
    </div>
  );
}
