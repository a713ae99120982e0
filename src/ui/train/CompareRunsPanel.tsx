// Compares runs: the runs table (every hyperparameter as a column, sortable, filterable) is where
// runs are ticked; the chart overlays the ticked runs' metric (training loss, validation loss of
// a corpus, accuracy on a suite) against steps, tokens, FLOPs or wall time. A child run (one
// started from a checkpoint another run produced) can continue its parent's axis. The two halves
// of a FLOP-matched pair meet at an "equal compute" line when the x axis counts FLOPs.
import { useMemo, useState } from 'react';
import { useStudio } from '../../state/store';
import { offsetPoints } from '../shared/chartData';
import { COLORS, type XKind } from '../shared/chartStyle';
import { lossUnit } from '../shared/lossUnit';
import { CompareChart } from './CompareChart';
import { CompareMetricSelect, useMetricLabel } from './CompareMetricSelect';
import { type CompareMetric, continuedOffset, isAccuracy, metricOptions, producingRuns, runSeries, sharedFlopBudget } from './CompareSeries';
import { RunsTable } from './RunsTable';

export function CompareRunsPanel() {
  const runs = useStudio((s) => s.runs);
  const checkpoints = useStudio((s) => s.checkpoints);
  const [picked, setPicked] = useState<string[]>([]);
  const [metric, setMetric] = useState<CompareMetric>('loss');
  const [x, setX] = useState<XKind>('step');
  const [continued, setContinued] = useState(false);
  const views = useMemo(() => picked.map((id) => runs[id]).filter((v) => v !== undefined), [picked, runs]);
  const options = useMemo(() => metricOptions(views.length ? views : Object.values(runs)), [views, runs]);
  // `runs` changes with every metric batch, so the lines follow running runs.
  const lines = useMemo(() => {
    const producedBy = producingRuns(runs, checkpoints);
    return views.map((v, i) => {
      const points = runSeries(v, metric);
      return { id: v.record.id, name: v.record.settings.name, color: COLORS[i % COLORS.length], points: continued ? offsetPoints(points, continuedOffset(v, runs, producedBy)) : points };
    });
  }, [views, metric, continued, runs, checkpoints]);
  const budget = x === 'flops' && !continued ? sharedFlopBudget(views) : undefined;
  const label = useMetricLabel();
  // Every ticked run byte-level: nats per byte; any other tokenizer among them: nats per token.
  const byteLevel = views.length > 0 && views.every((v) => checkpoints.find((c) => c.id === v.record.settings.from)?.tokenizer.kind === 'byte');
  const unit = lossUnit(byteLevel ? { kind: 'byte' } : undefined);
  const yTitle = isAccuracy(metric) ? 'accuracy (% of pairs)' : `${metric === 'loss' ? 'training' : 'validation'} loss (${unit.short})`;

  return (
    <section className="panel" data-testid="compare-panel">
      <h2>Runs and comparison</h2>
      <RunsTable runs={runs} picked={picked} onPick={setPicked} />
      <div className="compare-controls">
        <CompareMetricSelect options={options} value={metric} onChange={setMetric} />
        <label className="check-line" title="an adaptation run started from a checkpoint another run produced is drawn after that run: its steps, tokens, FLOPs and time offset by the parent's last">
          <input type="checkbox" data-testid="compare-continue" checked={continued} onChange={(e) => setContinued(e.target.checked)} />
          <span>child runs continue their parent's axis</span>
        </label>
      </div>
      <CompareChart lines={lines} x={x} onX={setX} percent={isAccuracy(metric)} equalCompute={budget} title={label(metric)} yTitle={yTitle} continued={continued} />
    </section>
  );
}
