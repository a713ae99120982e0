// Evaluation: choose checkpoints and minimal-pair suites (or import one), run, and read the
// results as a table, a checkpoints × languages heatmap and per-paradigm bars; export CSV or JSON.
import { useState } from 'react';
import { useStudio } from '../../state/store';
import { CheckpointPicker } from './EvalPickers';
import { EvalResults } from './EvalResults';
import { EvalRunBar } from './EvalRunBar';
import { SuiteImport } from './SuiteImport';
import { SuitePicker } from './SuitePicker';

export function EvaluatePanel() {
  const [checkpoints, setCheckpoints] = useState<string[]>([]);
  const [suites, setSuites] = useState<string[]>([]);
  // Choices of deleted checkpoints or suites drop out here rather than in every handler.
  const liveCheckpoints = useStudio((s) => s.checkpoints);
  const liveSuites = useStudio((s) => s.suites);
  const chosenCheckpoints = checkpoints.filter((id) => liveCheckpoints.some((c) => c.id === id));
  const chosenSuites = suites.filter((id) => liveSuites.some((x) => x.id === id));
  return (
    <section className="panel evaluate" data-testid="evaluate-panel">
      <h2>Evaluate</h2>
      <div className="eval-top">
        <CheckpointPicker value={chosenCheckpoints} onChange={setCheckpoints} />
        <div className="stack">
          <SuitePicker value={chosenSuites} onChange={setSuites} />
          <SuiteImport />
        </div>
      </div>
      <EvalRunBar checkpoints={chosenCheckpoints} suites={chosenSuites} />
      <EvalResults />
    </section>
  );
}
