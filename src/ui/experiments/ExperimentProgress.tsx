// An experiment's stages as a progress tree: done, running, pending or failed; the running stage
// with its training step and the experiment's ETA, and its wall-clock elapsed time, redrawn every
// second while it runs. The ETA covers every stage once an experiment has finished on this device
// (core/experiment/duration.ts); before that it covers the training stages and says so.
import { useEffect, useState } from 'react';
import type { ExperimentStatusView, StageView } from '../../state/experiment';
import { useStudio } from '../../state/store';
import { measuredExperimentRate } from '../../core/experiment/duration';
import { formatDuration } from '../shared/format';
import { useStudioApi } from '../shared/studioContext';

/**
 * A string that changes whenever the stored record does: the runner updates the record object in
 * place before storing it, so its identity alone does not tell a finished stage.
 */
export function useExperimentVersion(id: string): string | undefined {
  return useStudio((s) => {
    const r = s.experiments.find((x) => x.id === id);
    return r && `${r.status}|${r.stage ?? ''}|${Object.entries(r.progress).map(([k, p]) => `${k}:${p?.runId ?? ''}:${p?.checkpointId ?? p?.evaluationId ?? ''}`).join(',')}`;
  });
}

const ICONS: Record<StageView['status'], string> = { done: '✓', running: '●', pending: '○', failed: '✗' };

export function ExperimentProgress({ id }: { id: string }) {
  const studio = useStudioApi();
  // The view reads the record, the live stage, its run's metrics and what the studio holds:
  // re-render when any changes.
  const version = useExperimentVersion(id);
  const live = useStudio((s) => (s.experimentLive?.id === id ? s.experimentLive : undefined));
  useStudio((s) => (live?.runId ? s.runs[live.runId]?.version : undefined));
  // A stage counts as done only while its checkpoint or evaluation is held (see status()).
  useStudio((s) => s.checkpoints);
  useStudio((s) => s.evaluations);
  const [, setTick] = useState(0);
  const running = version?.startsWith('running|') ?? false;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [running]);
  const experiments = useStudio((s) => s.experiments);
  if (!version) return null;
  const view = studio.experiments.status(id);
  const done = view.stages.filter((s) => s.status === 'done').length;
  const rec = experiments.find((x) => x.id === id)!;
  const elapsed = ((rec.finishedAt ? Date.parse(rec.finishedAt) : Date.now()) - Date.parse(rec.createdAt)) / 1000;
  const others = measuredExperimentRate(experiments.filter((x) => x.id !== id), rec.name);
  const eta: Eta | undefined = others
    ? { seconds: Math.max(0, rec.plan.trainingFlops * others.secondsPerFlop - elapsed), title: 'every stage, at the pace of the experiments that finished on this device' }
    : view.etaSeconds === undefined ? undefined : { seconds: view.etaSeconds, title: 'the training stages left, at the FLOP rate so far (their evaluations included); merges and the final evaluation come on top', training: true };
  return (
    <div className="progress-box experiment-progress" data-testid="experiment-progress" data-id={id} data-status={view.status}>
      <div className="progress-head">
        <b title={id}>{view.name}</b>
        <span className="num muted">{done}/{view.stages.length} stages</span>
        <span className="num muted" data-testid="experiment-elapsed" data-seconds={elapsed} title="wall-clock time since the experiment started">{formatDuration(elapsed)} elapsed</span>
        <span className={`status ${view.status}`}>{view.status}</span>
      </div>
      <ol className="experiment-tree">
        {view.stages.map((s) => (
          <li key={s.id} className={s.status} data-stage={s.id} data-status={s.status}>
            <span className="stage-icon" aria-label={s.status}>{ICONS[s.status]}</span>
            <span className="stage-title">{s.title}</span>
            <span className="tag">{s.kind}</span>
            {s.status === 'running' && <CurrentStage view={view} eta={eta} />}
            {s.status === 'failed' && view.error && <p className="error-text" data-testid="experiment-error">{view.error}</p>}
          </li>
        ))}
      </ol>
      {view.status !== 'failed' && view.error && <p className="error-text">{view.error}</p>}
    </div>
  );
}

interface Eta {
  seconds: number;
  title: string;
  /** Covers the training stages only. */
  training?: boolean;
}

function CurrentStage({ view, eta: e }: { view: ExperimentStatusView; eta?: Eta }) {
  const c = view.current;
  const eta = e && <span data-testid="experiment-eta" data-seconds={e.seconds} title={e.title}>ETA {formatDuration(e.seconds)}{e.training ? ' (training)' : ''}</span>;
  if (c?.steps === undefined) return <div className="stage-live progress-stats">{eta}</div>;
  const step = c.step ?? 0;
  return (
    <div className="stage-live" data-testid="experiment-current" data-step={step} data-steps={c.steps}>
      <div className="bar" role="progressbar" aria-valuemin={0} aria-valuemax={c.steps} aria-valuenow={step}><div style={{ width: `${(100 * step) / c.steps}%` }} /></div>
      <div className="progress-stats">
        <span>step {step}/{c.steps}</span>
        {eta}
      </div>
    </div>
  );
}
