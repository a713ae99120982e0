// Training: the run form, the progress and controls of the run shown, and the list of runs
// (interrupted ones can continue from their last snapshot).
import { RunProgress } from './RunProgress';
import { RunsList } from './RunsList';
import { TrainForm } from './TrainForm';

export function TrainPanel() {
  return (
    <section className="panel" data-testid="train-panel">
      <h2>Train</h2>
      <TrainForm />
      <RunProgress />
      <RunsList />
    </section>
  );
}
