// The studio's shell: a skip link, the header with the backend, the navigation between views
// by task, the checkpoint list as a sidebar on every view (it is what the views pick from, and a
// click makes a checkpoint the Train panel's starting point), the view the URL hash names
// (nav/views.tsx), and notices. A view is mounted the first time it is shown and then only
// hidden, so a form being filled in or a job's progress is still there on coming back.
import { useEffect, useState } from 'react';
import type { StudioApi } from '../state/studio';
import { BackendBar } from './gpu/BackendBar';
import { ModelsPanel } from './models/ModelsPanel';
import { SkipLink } from './nav/SkipLink';
import { useViewHash } from './nav/useViewHash';
import { ViewNav } from './nav/ViewNav';
import { DEFAULT_VIEW, VIEW_IDS, VIEWS } from './nav/views';
import { Notices } from './shared/Notices';
import { StudioContext } from './shared/studioContext';

const TITLE = 'Grow Up and Merge Studio';

export function App({ studio }: { studio: StudioApi }) {
  const viewId = useViewHash(VIEW_IDS, DEFAULT_VIEW);
  const view = VIEWS.find((v) => v.id === viewId)!;
  const [visited, setVisited] = useState<ReadonlySet<string>>(() => new Set([viewId]));
  if (!visited.has(viewId)) setVisited(new Set(visited).add(viewId));
  useEffect(() => {
    document.title = `${view.label} · ${TITLE}`;
  }, [view]);
  return (
    <StudioContext.Provider value={studio}>
      <div className="app">
        <SkipLink targetId="main" />
        <BackendBar />
        <ViewNav views={VIEWS} current={view.id} />
        <div className="layout">
          <aside className="sidebar" aria-label="Checkpoints">
            <ModelsPanel />
          </aside>
          <main className="main" id="main" tabIndex={-1} aria-label={view.label}>
            {VIEWS.filter((v) => visited.has(v.id)).map((v) => (
              <div className="view" data-view={v.id} key={v.id} hidden={v.id !== view.id}>{v.render()}</div>
            ))}
          </main>
        </div>
        <Notices />
      </div>
    </StudioContext.Provider>
  );
}
