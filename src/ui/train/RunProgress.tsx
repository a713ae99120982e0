// Progress of the run shown: step of steps, tokens, training throughput, time left (steps and
// evaluations still to come, core/train/eta.ts), wall-clock elapsed time with pauses named apart,
// status, and pause / resume / stop through the run's handle (for a run of this tab; one live in
// another tab is followed here and controlled there). Between metric batches elapsed and ETA
// move on from the last point's times, so the numbers never stand still while the run works.
import { evalTokensOf, runEta } from '../../core/train/eta';
import { useStudio } from '../../state/store';
import { formatCount, formatDuration } from '../shared/format';
import { useChangedAt, useNow } from '../shared/liveClock';
import { useStudioApi } from '../shared/studioContext';
import { report } from '../shared/report';
import { useShownRunId } from '../shared/uiState';

export function RunProgress() {
  const id = useShownRunId();
  const view = useStudio((s) => (id ? s.runs[id] : undefined));
  const studio = useStudioApi();
  const live = view?.status === 'running' || view?.status === 'paused';
  const now = useNow(live);
  const pointCount = view?.metrics.length ?? 0;
  // When the last point arrived here (or, before any, when this run was first shown).
  const arrived = useChangedAt(`${id}:${pointCount}`);
  if (!id || !view) return null;
  const s = view.record.settings;
  const steps = s.steps;
  const last = view.metrics[view.metrics.length - 1];
  const step = last?.step ?? 0;
  const since = live && view.status === 'running' ? Math.max(0, (now - arrived) / 1000) : 0;
  const eta = runEta(view.metrics, { steps, evalEvery: s.evalEvery, tokensPerStep: s.batchSize * s.seqLen, evalTokens: evalTokensOf({ ...s, evalSuites: s.evalSuites ?? [] }) });
  const etaLeft = eta && Math.max(0, eta.seconds - since);
  const elapsed = (last?.elapsed ?? 0) + (live ? Math.max(0, (now - arrived) / 1000) : 0);
  // A fresh run before its first point: loading, then (when it watches anything) the step-0 evaluation.
  const starting = view.status === 'running' && !view.elsewhere && view.metrics.length === 0;
  const control = (action: 'pause' | 'resume' | 'stop') => report(studio.runs.control(id, action));
  const etaTitle = eta && `${steps - step} steps at ${eta.stepSeconds.toFixed(2)} s + ${eta.evaluationsLeft} evaluation${eta.evaluationsLeft === 1 ? '' : 's'} at ${eta.evalSeconds.toFixed(1)} s${eta.evalEstimated ? ' (estimated from the eval tokens: none timed yet)' : ''}`;
  return (
    <div className="progress-box" data-testid="train-progress" data-status={view.status}>
      <div className="progress-head">
        <b title={view.record.id}>{s.name}</b>
        <span className={`status ${view.status}`} data-testid="train-status">{view.status}{view.elsewhere ? ' in another tab' : ''}</span>
      </div>
      <div className={`bar${starting ? ' indeterminate' : ''}`} role="progressbar" aria-label="training progress" aria-valuemin={0} aria-valuemax={steps} aria-valuenow={step}>
        <div style={starting ? undefined : { width: `${(100 * step) / steps}%` }} />
      </div>
      <div className="progress-stats">
        <span>step {step}/{steps}</span>
        {starting && <span className="muted">{s.watch.length || s.evalSuites?.length ? 'loading the model and data, then evaluating step 0…' : 'loading the model and data…'}</span>}
        <span>{formatCount(last?.tokens ?? 0)} tokens</span>
        <span title="training tokens per second of step time (evaluations and pauses left out)">{eta ? `${formatCount((s.batchSize * s.seqLen) / eta.stepSeconds)} tok/s` : '— tok/s'}</span>
        {live && (
          <span data-testid="train-eta" data-seconds={etaLeft} data-estimated={eta?.evalEstimated || undefined} title={etaTitle}>
            ETA {etaLeft === undefined ? 'measuring…' : `${formatDuration(etaLeft)}${eta!.evaluationsLeft ? ` (${eta!.evaluationsLeft} eval${eta!.evaluationsLeft === 1 ? '' : 's'}${eta!.evalEstimated ? ', estimated' : ''})` : ''}`}
          </span>
        )}
        <span data-testid="train-elapsed" data-seconds={elapsed} title="wall-clock time since the run was started, loading and evaluations included">
          {formatDuration(elapsed)} elapsed{last?.paused ? ` (${formatDuration(last.paused)} paused)` : ''}
        </span>
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
