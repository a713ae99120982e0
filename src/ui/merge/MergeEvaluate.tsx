// Evaluates a merged checkpoint against its experts: English agreement and word order plus the
// word-order suite of each expert's training language (those that exist), 200 pairs a suite,
// then shows the newest such evaluation as merged-and-experts × languages.
import { useState } from 'react';
import { ENGLISH_AGREEMENT_SUITE, ENGLISH_CORPUS, wordOrderSuite } from '../../core/data/corpusIds';
import type { CheckpointManifest } from '../../core/checkpoint/manifest';
import { trainingCorpusOf } from '../../state/growth';
import { useStudio } from '../../state/store';
import { MergeHeatmap } from './MergeHeatmap';
import { MergeEvalProgress } from './MergeProgress';
import { report } from '../shared/report';
import { useStudioApi } from '../shared/studioContext';

const ENGLISH_SUITES = [ENGLISH_AGREEMENT_SUITE, wordOrderSuite(ENGLISH_CORPUS)];

export function MergeEvaluate({ merged }: { merged: CheckpointManifest }) {
  const studio = useStudioApi();
  const checkpoints = useStudio((s) => s.checkpoints);
  const suites = useStudio((s) => s.suites);
  const running = useStudio((s) => s.evaluationProgress !== undefined);
  const [busy, setBusy] = useState(false);
  const result = useStudio((s) => s.evaluations.find((e) => e.checkpoints[0]?.id === merged.id));
  const experts = (merged.merge?.models ?? []).map((m) => m.id);
  const expertSuites = experts.flatMap((id) => {
    const m = checkpoints.find((c) => c.id === id);
    return m ? [wordOrderSuite(trainingCorpusOf(m, checkpoints, ENGLISH_CORPUS))] : [];
  });
  const chosen = [...new Set([...ENGLISH_SUITES, ...expertSuites])].filter((id) => suites.some((x) => x.id === id));

  async function evaluate() {
    setBusy(true);
    const live = experts.filter((id) => checkpoints.some((c) => c.id === id));
    await report(studio.evaluate({ checkpoints: [merged.id, ...live], suites: chosen, maxPairs: 200 }));
    setBusy(false);
  }

  return (
    <div className="merge-evaluate">
      <div className="actions">
        <button data-testid="merge-evaluate" disabled={busy || running || chosen.length === 0} onClick={() => void evaluate()}>
          {busy ? 'Evaluating…' : 'Evaluate merge vs experts'}
        </button>
        <span className="muted small-text">{chosen.length ? `on ${chosen.join(', ')}` : 'no suites loaded yet'}</span>
      </div>
      <MergeEvalProgress pending={busy} />
      {result && <MergeHeatmap result={result} mergedId={merged.id} />}
    </div>
  );
}
