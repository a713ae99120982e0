// Experiments: write or pick a recipe, check it and run it as one job (studio.experiments), then
// follow the stored experiments: the selected one (or the one running) with its progress tree and
// its report.
import { useState } from 'react';
import { useStudio } from '../../state/store';
import { ExperimentEditor } from './ExperimentEditor';
import { ExperimentProgress } from './ExperimentProgress';
import { ExperimentReportView } from './ExperimentReportView';
import { ExperimentRow } from './ExperimentRow';
import { useRovingFocus } from '../shared/rovingFocus';

export function ExperimentsPanel() {
  const experiments = useStudio((s) => s.experiments);
  const liveId = useStudio((s) => s.experimentLive?.id);
  const [selected, setSelected] = useState<string>();
  // A deleted selection falls back to the experiment running now.
  const shown = experiments.find((x) => x.id === selected)?.id ?? experiments.find((x) => x.id === liveId || x.status === 'running')?.id;
  const roving = useRovingFocus(experiments.map((x) => x.id), shown);
  return (
    <section className="panel experiments" data-testid="experiments-panel">
      <h2>Experiments <span className="muted">a whole study from one recipe: base, growth, adaptation, merges, evaluation</span></h2>
      <div className="experiments-top">
        <ExperimentEditor onStarted={setSelected} />
        <div className="experiment-list">
          <h3>Stored experiments</h3>
          {experiments.length === 0 ? (
            <p className="muted small-text">None yet: pick a preset and press Run.</p>
          ) : (
            <ul className="rows" data-testid="experiment-list" aria-label="stored experiments" onKeyDown={roving.onKeyDown}>
              {experiments.map((r) => <ExperimentRow key={r.id} record={r} selected={r.id === shown} onSelect={setSelected} tabbable={r.id === roving.active} onFocus={() => roving.focusRow(r.id)} />)}
            </ul>
          )}
          {shown && <ExperimentProgress key={`progress-${shown}`} id={shown} />}
        </div>
      </div>
      {shown && <ExperimentReportView key={`report-${shown}`} id={shown} />}
    </section>
  );
}
