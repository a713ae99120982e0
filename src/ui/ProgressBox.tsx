// A labelled progress bar for long jobs (evaluations, merges, Fisher estimates), fed from the
// store's progress fields ({done, total, label}).

export interface JobProgress {
  done: number;
  total: number;
  label: string;
}

export function ProgressBox({ progress: p, testId }: { progress: JobProgress; testId: string }) {
  const pct = p.total > 0 ? (100 * p.done) / p.total : 0;
  return (
    <div className="progress-box" data-testid={testId}>
      <div className="progress-head">
        <span>{p.label}</span>
        <span className="num muted">{p.done}/{p.total} ({pct.toFixed(0)}%)</span>
      </div>
      <div className="bar" role="progressbar" aria-valuemin={0} aria-valuemax={p.total} aria-valuenow={p.done}><div style={{ width: `${pct}%` }} /></div>
    </div>
  );
}
