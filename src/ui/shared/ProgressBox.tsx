// A labelled progress bar for long jobs (evaluations, merges, Fisher estimates), fed from the
// store's progress fields ({done, total, label}).

export interface JobProgress {
  done: number;
  total: number;
  label: string;
  /** 'bytes': done and total are byte counts, shown in MB. */
  unit?: 'bytes';
}

export function ProgressBox({ progress: p, testId }: { progress: JobProgress; testId: string }) {
  const pct = p.total > 0 ? (100 * p.done) / p.total : 0;
  const n = (x: number) => (p.unit === 'bytes' ? `${(x / 1e6).toFixed(1)} MB` : String(x));
  return (
    <div className="progress-box" data-testid={testId}>
      <div className="progress-head">
        <span>{p.label}</span>
        <span className="num muted">{n(p.done)}/{n(p.total)} ({pct.toFixed(0)}%)</span>
      </div>
      <div className="bar" role="progressbar" aria-valuemin={0} aria-valuemax={p.total} aria-valuenow={p.done}><div style={{ width: `${pct}%` }} /></div>
    </div>
  );
}
