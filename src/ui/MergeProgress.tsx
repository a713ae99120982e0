// A labelled progress bar for the merge panel's long jobs: the merge or Fisher estimate
// (store.mergeProgress) and the evaluation of a merge against its experts (store.evaluationProgress).
import { useStudio } from '../state/store';

type Progress = { done: number; total: number; label: string };

export function MergeProgress() {
  const p = useStudio((s) => s.mergeProgress);
  return p ? <ProgressBox progress={p} testId="merge-progress" /> : null;
}

/** `pending`: an evaluation was asked for and has not reported yet (models and suites loading). */
export function MergeEvalProgress({ pending }: { pending: boolean }) {
  const p = useStudio((s) => s.evaluationProgress) ?? (pending ? { done: 0, total: 0, label: 'Loading the models and suites…' } : undefined);
  return p ? <ProgressBox progress={p} testId="merge-eval-progress" /> : null;
}

function ProgressBox({ progress: p, testId }: { progress: Progress; testId: string }) {
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
