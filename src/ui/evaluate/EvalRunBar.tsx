// Starts an evaluation of the chosen checkpoints on the chosen suites (optionally with validation
// loss per language; by default each suite scored by its lm-eval task's rule) and shows its
// progress from the store while it runs.
import { useState } from 'react';
import { PAIR_RULES, type PairRule } from '../../core/eval/minimalPairs';
import { useStudio } from '../../state/store';
import { useReport } from '../shared/report';
import { ErrorText } from '../shared/ErrorText';
import { useStudioApi } from '../shared/studioContext';
import { ProgressBox } from '../shared/ProgressBox';

export function EvalRunBar({ checkpoints, suites }: { checkpoints: string[]; suites: string[] }) {
  const studio = useStudioApi();
  const running = useStudio((s) => s.evaluationProgress !== undefined);
  const [validation, setValidation] = useState(true);
  const [rule, setRule] = useState<PairRule | ''>('');
  const [busy, setBusy] = useState(false);
  const { error, run: attempt, near } = useReport();

  async function run() {
    setBusy(true);
    await attempt(() => studio.evaluate({ checkpoints, suites, validation, ...(rule ? { rule } : {}) }));
    setBusy(false);
  }

  return (
    <div>
      <div className="actions" ref={near}>
        <button className="primary" data-testid="eval-run" disabled={busy || running || checkpoints.length === 0 || suites.length === 0} onClick={() => void run()}>
          Evaluate {checkpoints.length} × {suites.length}
        </button>
        <label className="check-line">
          <input type="checkbox" data-testid="eval-validation" checked={validation} onChange={(e) => setValidation(e.target.checked)} />
          <span>validation loss</span>
        </label>
        <label className="check-line" title="lm-eval scores BLiMP with a space before each sentence and MultiBLiMP without; by default each suite is scored by its own format's rule (built-in suites as BLiMP)">
          <span>scoring</span>
          <select data-testid="eval-rule-select" value={rule} onChange={(e) => setRule(e.target.value as PairRule | '')}>
            <option value="">each suite's lm-eval task (default)</option>
            {Object.keys(PAIR_RULES).map((r) => <option key={r} value={r}>all as {r}</option>)}
          </select>
        </label>
        {(checkpoints.length === 0 || suites.length === 0) && <span className="muted small-text">choose at least one checkpoint and one suite</span>}
      </div>
      {error && <ErrorText message={error} testId="eval-error" />}
      <EvalProgress />
    </div>
  );
}

function EvalProgress() {
  const p = useStudio((s) => s.evaluationProgress);
  return p ? <ProgressBox progress={p} testId="eval-progress" /> : null;
}
