// The report's adaptation curves against training FLOPs (or steps, tokens): English loss minus
// its step-0 value (forgetting) and the target language's loss, one line per language and scale
// (solid for the base size, dashed for grown models), coloured by language (languageColors.ts) as
// everywhere in the studio, in the shared SeriesChart (smoothing, log y, zoom, export). Recipes
// use the byte-level tokenizer, so losses are in nats per byte.
import { useState } from 'react';
import { ReferenceLine } from 'recharts';
import type { ExperimentReport, ReportPoint } from '../../core/experiment/report';
import type { ChartSeries } from '../shared/chartData';
import type { XKind } from '../shared/chartStyle';
import { languageColor } from '../shared/languageColors';
import { lossUnit } from '../shared/lossUnit';
import { SeriesChart } from '../shared/SeriesChart';

/** Reports record steps, tokens and FLOPs of each evaluation, not wall time. */
const REPORT_X: XKind[] = ['step', 'tokens', 'flops'];
const UNIT = lossUnit({ kind: 'byte' });

function series(r: ExperimentReport, y: (p: ReportPoint, first: ReportPoint) => number): ChartSeries[] {
  return r.curves.map((c) => ({
    id: c.stageId,
    name: `${c.language} x${c.scale}`,
    color: languageColor(c.language),
    dash: c.scale > 1 ? '6 3' : undefined,
    sparse: true,
    points: c.points.map((p) => ({ step: p.step, tokens: p.tokens, flops: p.flops, y: y(p, c.points[0]) })),
  }));
}

export function ExperimentCharts({ report: r }: { report: ExperimentReport }) {
  const [x, setX] = useState<XKind>('flops');
  const common = { x, onX: setX, xKinds: REPORT_X, subject: r.name, empty: 'no evaluations yet' };
  return (
    <div className="chart-grid">
      <SeriesChart {...common} testId="report-chart-forgetting" title="English forgetting" chart="English forgetting" yTitle={`English loss − step 0 (${UNIT.short})`} valueName="forgetting" series={series(r, (p, first) => p.english - first.english)}>
        <ReferenceLine y={0} stroke="#9ca3af" strokeDasharray="4 3" />
      </SeriesChart>
      <SeriesChart {...common} testId="report-chart-target" title="Target-language loss" chart="target-language loss" yTitle={`validation loss (${UNIT.short})`} valueName="loss" series={series(r, (p) => p.target)} />
    </div>
  );
}
