// Compares runs in one chart: tick any runs, pick a metric (training loss, validation loss of a
// corpus, accuracy on a suite) and the x axis (steps, tokens, FLOPs). The two halves of a
// FLOP-matched pair meet at an "equal compute" line when the x axis counts FLOPs.
import { useMemo, useState } from 'react';
import { useStudio } from '../../state/store';
import type { XKind } from '../shared/chartStyle';
import { CompareChart } from './CompareChart';
import { CompareMetricSelect, useMetricLabel } from './CompareMetricSelect';
import { CompareRunPicker } from './CompareRunPicker';
import { type CompareMetric, isAccuracy, metricOptions, runSeries, sharedFlopBudget } from './CompareSeries';
import { CurveXSelect } from '../shared/CurveXSelect';

export function CompareRunsPanel() {
  const runs = useStudio((s) => s.runs);
  const [picked, setPicked] = useState<string[]>([]);
  const [metric, setMetric] = useState<CompareMetric>('loss');
  const [x, setX] = useState<XKind>('step');
  const views = useMemo(() => picked.map((id) => runs[id]).filter((v) => v !== undefined), [picked, runs]);
  const options = useMemo(() => metricOptions(views.length ? views : Object.values(runs)), [views, runs]);
  // `runs` changes with every metric batch, so the lines follow running runs.
  const lines = useMemo(() => views.map((v) => ({ id: v.record.id, name: v.record.settings.name, points: runSeries(v, metric, x) })), [views, metric, x]);
  const budget = x === 'flops' ? sharedFlopBudget(views) : undefined;
  const label = useMetricLabel();

  return (
    <section className="panel" data-testid="compare-panel">
      <h2>Compare runs</h2>
      <div className="compare-top">
        <CompareRunPicker runs={runs} picked={picked} onChange={setPicked} />
        <div className="compare-controls">
          <CompareMetricSelect options={options} value={metric} onChange={setMetric} />
          <CurveXSelect testId="compare-x" value={x} onChange={setX} />
        </div>
      </div>
      <CompareChart lines={lines} x={x} percent={isAccuracy(metric)} equalCompute={budget} title={label(metric)} />
    </section>
  );
}
