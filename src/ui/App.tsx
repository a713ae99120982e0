// The studio's shell: header with the backend, notices, and the panels — models and corpora on
// the left; model creation and growth, training and its live charts, adaptation with its
// forgetting curves, run comparison, merging, evaluation, experiments and the GPU kernels in the
// main area. Every panel is visible at once (no tabs), so each test id is on the first page.
import type { StudioApi } from '../state/studio';
import { BackendBar } from './BackendBar';
import { AdaptPanel } from './AdaptPanel';
import { CompareRunsPanel } from './CompareRunsPanel';
import { CorporaPanel } from './CorporaPanel';
import { CreateModelPanel } from './CreateModelPanel';
import { EvaluatePanel } from './EvaluatePanel';
import { ExperimentsPanel } from './ExperimentsPanel';
import { ImportModelPanel } from './ImportModelPanel';
import { KernelsPanel } from './KernelsPanel';
import { GrowPanel } from './GrowPanel';
import { MergePanel } from './MergePanel';
import { ModelsPanel } from './ModelsPanel';
import { Notices } from './Notices';
import { StudioContext } from './studioContext';
import { TrainingCharts } from './TrainingCharts';
import { TrainPanel } from './TrainPanel';

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
