// The studio's shell: header with the backend, notices, and the foundation's panels — models and
// corpora on the left; model creation, training and its live charts in the main area. Every
// panel is visible at once (no tabs), so each test id is on the first page.
import type { StudioApi } from '../state/studio';
import { BackendBar } from './BackendBar';
import { CorporaPanel } from './CorporaPanel';
import { CreateModelPanel } from './CreateModelPanel';
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
              <CreateModelPanel />
              <TrainPanel />
            </div>
            <TrainingCharts />
          </main>
        </div>
        <Notices />
      </div>
    </StudioContext.Provider>
  );
}
