// A labelled progress bar for long jobs (evaluations, merges, Fisher estimates, imports), fed from
// the store's progress fields ({done, total, label, startedAt}): indeterminate while the job sets
// up, then the fraction done, the wall-clock time since it was asked for and the time left at
// the rate so far.
import { type JobProgress, jobEta } from '../../core/jobProgress';
import { formatDuration } from './format';
import { useChangedAt, useNow } from './liveClock';

export type { JobProgress };

export function ProgressBox({ progress: p, testId }: { progress: JobProgress; testId: string }) {
  const now = useNow(p.startedAt !== undefined);
  const sized = p.total > 0;
  const pct = sized ? (100 * p.done) / p.total : 0;
  const n = (x: number) => (p.unit === 'bytes' ? `${(x / 1e6).toFixed(1)} MB` : String(x));
  const elapsed = p.startedAt !== undefined ? Math.max(0, (now - p.startedAt) / 1000) : undefined;
  // The rate as of the last report, counted down since: between reports the job works on.
  const reportedAt = useChangedAt(`${p.label}:${p.done}:${p.total}`);
  const rateEta = p.startedAt !== undefined ? jobEta(p.done, p.total, (reportedAt - p.startedAt) / 1000) : undefined;
  const eta = rateEta === undefined ? undefined : Math.max(0, rateEta - (now - reportedAt) / 1000);
  return (
    <div className="progress-box" data-testid={testId}>
      <div className="progress-head">
        <span>{p.label}</span>
        {sized && <span className="num muted">{n(p.done)}/{n(p.total)} ({pct.toFixed(0)}%)</span>}
      </div>
      <div className={`bar${sized ? '' : ' indeterminate'}`} role="progressbar" aria-label={p.label} aria-valuemin={0} aria-valuemax={sized ? p.total : undefined} aria-valuenow={sized ? p.done : undefined}>
        <div style={sized ? { width: `${pct}%` } : undefined} />
      </div>
      {elapsed !== undefined && (
        <div className="progress-stats">
          <span data-testid={`${testId}-eta`} data-seconds={eta} title="time left at the rate so far">ETA {eta === undefined ? 'measuring…' : formatDuration(eta)}</span>
          <span data-testid={`${testId}-elapsed`} data-seconds={elapsed}>{formatDuration(elapsed)} elapsed</span>
        </div>
      )}
    </div>
  );
}
