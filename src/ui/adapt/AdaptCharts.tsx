// Live adaptation charts of the run shown, when it is an adaptation run (settings.adapt): gain
// on the target and forgetting of English, and minimal-pair accuracy, against steps, tokens or
// FLOPs, and what the model writes in each language at each evaluation (RunSamples). The
// metrics array grows in place, so the curves follow the run's `version`.
import { useMemo, useState } from 'react';
import { adaptationCurves } from '../../core/train/adapt';
import type { MetricPoint } from '../../core/train/settings';
import { useStudio } from '../../state/store';
import type { XKind } from '../shared/chartStyle';
import { CurveGainChart } from './CurveGainChart';
import { CurvePairsChart } from '../shared/CurvePairsChart';
import { useRunLossUnit } from '../shared/lossUnit';
import { useShownRunId } from '../shared/uiState';
import { RunSamples } from '../shared/RunSamples';

const EMPTY: MetricPoint[] = [];

export function AdaptCharts() {
  const id = useShownRunId();
  const version = useStudio((s) => (id ? s.runs[id]?.version : undefined));
  const metrics = useStudio((s) => (id ? s.runs[id]?.metrics : undefined)) ?? EMPTY;
  const settings = useStudio((s) => (id ? s.runs[id]?.record.settings : undefined));
  // One x axis for both charts: each chart's toolbar switches it.
  const [x, setX] = useState<XKind>('step');
  const unit = useRunLossUnit(id);
  const target = settings?.adapt?.target;
  // `metrics` stays the same array as it grows; `version` is what changes.
  const curves = useMemo(() => (target ? adaptationCurves(metrics, [target]) : []), [metrics, version, target]);
  if (!settings?.adapt || !target) return null;
  const replay = settings.adapt.replay;

  return (
    <div className="adapt-charts" data-testid="adapt-charts" data-run={id}>
      <div className="curve-head">
        <h3>
          {settings.name} <span className="muted">— {replay ? `${Math.round(replay * 100)} % English replay` : 'no replay'}</span>
        </h3>
      </div>
      <div className="chart-grid">
        <div className="curve-block">
          <CurveGainChart points={curves} x={x} onX={setX} steps={settings.steps} target={target} watch={settings.watch} unit={unit} subject={settings.name} />
          <p className="curve-note" data-testid="gain-note">Gain is how much the loss on the new language has fallen since the start; forgetting is how much the loss on English has risen — both in {unit.long}.</p>
        </div>
        <div className="curve-block">
          <CurvePairsChart points={curves} x={x} onX={setX} steps={settings.steps} suites={settings.evalSuites ?? []} subject={settings.name} />
          <p className="curve-note">Each suite shows how often the model prefers the grammatical sentence of a minimal pair; 50 % is guessing, and proxy suites only swap word order.</p>
        </div>
      </div>
      <RunSamples key={id} points={metrics} version={version} testId="adapt-samples" />
    </div>
  );
}
