// Progress of the run shown: step of steps, tokens, throughput over the last points, time left,
// status, and pause / resume / stop through the run's handle (for a run of this tab; one live in
// another tab is followed here and controlled there).
import type { MetricPoint } from '../../core/train/settings';
import { useStudio } from '../../state/store';
import { formatCount, formatDuration } from '../shared/format';
import { useStudioApi } from '../shared/studioContext';
import { report } from '../shared/report';
import { useShownRunId } from '../shared/uiState';

/** Throughput is measured over this many recent points, so it follows speed changes. */
const RATE_WINDOW = 20;

export function RunProgress() {
  const id = useShownRunId();
  const view = useStudio((s) => (id ? s.runs[id] : undefined));
  const studio = useStudioApi();
  if (!id || !view) return null;
  const steps = view.record.settings.steps;
  const p = progress(view.metrics, steps);
  const live = view.status === 'running' || view.status === 'paused';
  const control = (action: 'pause' | 'resume' | 'stop') => report(studio.runs.control(id, action));
  return (
    <div className="progress-box" data-testid="train-progress" data-status={view.status}>
      <div className="progress-head">
        <b title={view.record.id}>{view.record.settings.name}</b>
        <span className={`status ${view.status}`} data-testid="train-status">{view.status}{view.elsewhere ? ' in another tab' : ''}</span>
      </div>
      <div className="bar"><div style={{ width: `${(100 * p.step) / steps}%` }} /></div>
      <div className="progress-stats">
        <span>step {p.step}/{steps}</span>
        <span>{formatCount(p.tokens)} tokens</span>
        <span>{p.rate ? `${formatCount(p.rate)} tok/s` : '— tok/s'}</span>
        {live && <span>ETA {formatDuration(p.eta)}</span>}
        <span>{formatDuration(p.elapsed)} elapsed</span>
      </div>
      {live && view.elsewhere && <p className="muted" data-testid="train-elsewhere">This run trains in another tab of the studio; pause or stop it there. Closing that tab leaves it interrupted here, ready to continue.</p>}
      {live && !view.elsewhere && (
        <div className="actions">
          {view.status === 'running' && <button data-testid="train-pause" onClick={() => control('pause')}>Pause</button>}
          {view.status === 'paused' && <button data-testid="train-resume" onClick={() => control('resume')}>Resume</button>}
          <button className="danger" data-testid="train-stop" title="stop and save a checkpoint of the weights so far" onClick={() => control('stop')}>Stop</button>
        </div>
      )}
      {view.record.error && <p className="error-text">{view.record.error}</p>}
    </div>
  );
}

function progress(metrics: MetricPoint[], steps: number) {
  const last = metrics[metrics.length - 1];
  if (!last) return { step: 0, tokens: 0, elapsed: 0, rate: 0, eta: NaN };
  const ref = metrics[Math.max(0, metrics.length - 1 - RATE_WINDOW)];
  const dt = last.elapsed - ref.elapsed;
  const rate = dt > 0 ? (last.tokens - ref.tokens) / dt : last.elapsed > 0 ? last.tokens / last.elapsed : 0;
  const secPerStep = dt > 0 && last.step > ref.step ? dt / (last.step - ref.step) : last.step > 0 ? last.elapsed / last.step : NaN;
  return { step: last.step, tokens: last.tokens, elapsed: last.elapsed, rate, eta: (steps - last.step) * secPerStep };
}
