// The navigation between views: one link per task view (the current one marked with
// aria-current), and the story views as a prominent call to action beside them. Plain links to
// `#/<id>`, so the browser keeps the history (back and forward) and a link can be shared.
import { formatViewHash } from './route';
import type { StudioView } from './views';

export function ViewNav({ views, current }: { views: readonly StudioView[]; current: string }) {
  const link = (v: StudioView, className: string) => (
    <a key={v.id} className={className} href={formatViewHash(v.id)} data-testid={`nav-${v.id}`} aria-current={v.id === current ? 'page' : undefined}>
      {v.label}
    </a>
  );
  return (
    <nav className="view-nav" aria-label="Studio views">
      <div className="view-tabs">{views.filter((v) => !v.story).map((v) => link(v, 'view-tab'))}</div>
      {views.filter((v) => v.story).map((v) => link(v, 'view-story'))}
    </nav>
  );
}
