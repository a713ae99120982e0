// A labelled progress bar for the merge panel's long jobs: the merge or Fisher estimate
// (store.mergeProgress) and the evaluation of a merge against its experts (store.evaluationProgress).
import { useStudio } from '../../state/store';
import { ProgressBox } from '../shared/ProgressBox';

export function MergeProgress() {
  const p = useStudio((s) => s.mergeProgress);
  return p ? <ProgressBox progress={p} testId="merge-progress" /> : null;
}

/** `pending`: an evaluation was asked for and has not reported yet (models and suites loading). */
export function MergeEvalProgress({ pending }: { pending: boolean }) {
  const p = useStudio((s) => s.evaluationProgress) ?? (pending ? { done: 0, total: 0, label: 'Loading the models and suites…' } : undefined);
  return p ? <ProgressBox progress={p} testId="merge-eval-progress" /> : null;
}
