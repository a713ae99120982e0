// Adapting a model to a new language: the form (with English replay and FLOP-matched pairs) and
// the live gain / forgetting / grammar charts of the run shown when it is an adaptation run. The
// educator's "Watch a model forget" is a view of its own (ui/story, #/forget).
import { AdaptCharts } from './AdaptCharts';
import { AdaptForm } from './AdaptForm';

export function AdaptPanel() {
  return (
    <section className="panel" data-testid="adapt-panel">
      <h2>Adapt to a new language</h2>
      <div className="adapt-top">
        <AdaptForm />
      </div>
      <AdaptCharts />
    </section>
  );
}
