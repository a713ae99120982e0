// Live charts of the run shown: training loss per step, and validation loss per watched corpus at
// each evaluation, with what the model writes at each evaluation beside them (RunSamples). The
// metrics array grows in place, so the charts follow the run's `version` and draw a thinned copy
// (downsample.ts) rather than every point.
import { useMemo } from 'react';
import type { MetricPoint } from '../../core/train/settings';
import { useStudio } from '../../state/store';
import { lossPoints, validPoints } from '../shared/downsample';
import { formatLoss } from '../shared/format';
import { LossChart } from './LossChart';
import { useRunLossUnit } from '../shared/lossUnit';
import { useShownRunId } from '../shared/uiState';
import { ValidChart } from './ValidChart';
import { RunSamples } from '../shared/RunSamples';

const EMPTY: MetricPoint[] = [];

export function TrainingCharts() {
  const id = useShownRunId();
  const version = useStudio((s) => (id ? s.runs[id]?.version : undefined));
  const metrics = useStudio((s) => (id ? s.runs[id]?.metrics : undefined)) ?? EMPTY;
  const record = useStudio((s) => (id ? s.runs[id]?.record : undefined));
  // `metrics` stays the same array as it grows; `version` is what changes.
  const loss = useMemo(() => lossPoints(metrics), [metrics, version]);
  const valid = useMemo(() => validPoints(metrics), [metrics, version]);
  const last = loss[loss.length - 1];
  const steps = record?.settings.steps;
  const unit = useRunLossUnit(id);
  const subject = record?.settings.name;

  return (
    <section className="panel charts" data-testid="charts-panel">
      <h2>
        Training {record && <span className="muted">— {record.settings.name}</span>}
        <span className="last-loss">
          last loss <b data-testid="last-loss">{formatLoss(last?.loss)}</b>
          {last && <span className="muted"> @ step {last.step}</span>}
        </span>
      </h2>
      <div className="chart-grid">
        <LossChart points={loss} steps={steps} unit={unit} subject={subject} empty={id ? 'waiting for the first step…' : 'no run yet'} />
        <ValidChart points={valid} steps={steps} unit={unit} subject={subject} watch={record?.settings.watch ?? []} empty={!id ? 'no run yet' : record?.settings.watch.length ? 'waiting for the first evaluation…' : 'this run watches no corpus'} />
      </div>
      <RunSamples key={id} points={metrics} version={version} testId="train-samples" />
    </section>
  );
}
