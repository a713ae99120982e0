// The studio's shell: header with the backend, notices, and the panels — models and corpora on
// the left; model creation and growth, training and its live charts, adaptation with its
// forgetting curves, run comparison, merging, evaluation, experiments and the GPU kernels in the
// main area. Every panel is visible at once (no tabs), so each test id is on the first page.
import type { StudioApi } from '../state/studio';
import { BackendBar } from './gpu/BackendBar';
import { AdaptPanel } from './adapt/AdaptPanel';
import { CompareRunsPanel } from './train/CompareRunsPanel';
import { CorporaPanel } from './models/CorporaPanel';
import { CreateModelPanel } from './models/CreateModelPanel';
import { EvaluatePanel } from './evaluate/EvaluatePanel';
import { ExperimentsPanel } from './experiments/ExperimentsPanel';
import { ImportModelPanel } from './models/ImportModelPanel';
import { KernelsPanel } from './gpu/KernelsPanel';
import { GrowPanel } from './grow/GrowPanel';
import { MergePanel } from './merge/MergePanel';
import { ModelsPanel } from './models/ModelsPanel';
import { Notices } from './shared/Notices';
import { StudioContext } from './shared/studioContext';
import { TrainingCharts } from './train/TrainingCharts';
import { TrainPanel } from './train/TrainPanel';

export function App({ studio }: { studio: StudioApi }) {
  return (
    <StudioContext.Provider value={studio}>
      <div className="app">
        <BackendBar />
        <div className="layout">
          <aside className="sidebar">
            <ModelsPanel />
            <CorporaPanel />
          </aside>
          <main className="main">
            <div className="main-top">
              <div className="stack">
                <CreateModelPanel />
                <ImportModelPanel />
                <GrowPanel />
              </div>
              <TrainPanel />
            </div>
            <TrainingCharts />
            <AdaptPanel />
            <CompareRunsPanel />
            <MergePanel />
            <EvaluatePanel />
            <ExperimentsPanel />
            <KernelsPanel />
          </main>
        </div>
        <Notices />
      </div>
    </StudioContext.Provider>
  );
}
