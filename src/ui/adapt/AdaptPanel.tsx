// Adapting a model to a new language: the form (with English replay and FLOP-matched pairs), the
// educator's "Watch a model forget" card, and the live gain / forgetting / grammar charts of the
// run shown when it is an adaptation run.
import { AdaptCharts } from './AdaptCharts';
import { AdaptForm } from './AdaptForm';
import { ForgetDemoCard } from './ForgetDemoCard';

export function AdaptPanel() {
  return (
    <section className="panel" data-testid="adapt-panel">
      <h2>Adapt to a new language</h2>
      <div className="adapt-top">
        <AdaptForm />
        <ForgetDemoCard />
      </div>
      <AdaptCharts />
    </section>
  );
}
