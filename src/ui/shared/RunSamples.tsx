// What a run's model writes at its evaluation points (MetricPoint.samples, core/train/samples.ts):
// per watched corpus, its fixed prompt and the greedy continuation, at the latest evaluation
// while the run goes on, or at an earlier one the user steps back to (earlier / later / latest).
// Beside the training and adaptation curves, so English text turning into Icelandic is read
// next to the forgetting curve that measures it.
import { useMemo, useState } from 'react';
import { samplePoints } from '../../core/train/samples';
import type { MetricPoint } from '../../core/train/settings';
import { useStudio } from '../../state/store';
import { corpusColor } from './languageColors';
import { SampleText } from './SampleText';

export function RunSamples({ points, version, testId = 'run-samples' }: {
  points: readonly MetricPoint[];
  /** Changes whenever `points` (an array that grows in place) has grown. */
  version: unknown;
  testId?: string;
}) {
  const corpora = useStudio((s) => s.corpora);
  const sampled = useMemo(() => samplePoints(points), [points, version]);
  /** The step the user stepped back to; undefined follows the latest point. */
  const [pinned, setPinned] = useState<number>();
  if (sampled.length === 0) return null;
  const found = pinned === undefined ? -1 : sampled.findIndex((p) => p.step === pinned);
  const at = found >= 0 ? found : sampled.length - 1;
  const point = sampled[at];
  const go = (i: number) => setPinned(i >= sampled.length - 1 ? undefined : sampled[i].step);
  const name = (id: string) => corpora.find((c) => c.id === id)?.name ?? id;

  return (
    <div className="run-samples" data-testid={testId} data-step={point.step}>
      <div className="run-samples-head">
        <h3>What the model writes</h3>
        <span className="muted" data-testid={`${testId}-step`}>
          step {point.step} <span className="small-text">(evaluation {at + 1} of {sampled.length}{at === sampled.length - 1 ? ', latest' : ''})</span>
        </span>
        <div className="run-samples-nav">
          <button type="button" className="small" data-testid={`${testId}-earlier`} disabled={at === 0} onClick={() => go(at - 1)} aria-label="earlier sample">‹ earlier</button>
          <button type="button" className="small" data-testid={`${testId}-later`} disabled={at === sampled.length - 1} onClick={() => go(at + 1)} aria-label="later sample">later ›</button>
          <button type="button" className="small" data-testid={`${testId}-latest`} disabled={pinned === undefined} onClick={() => setPinned(undefined)}>latest</button>
        </div>
      </div>
      <ul className="run-samples-list">
        {Object.entries(point.samples).map(([corpus, s]) => (
          <li key={corpus} data-testid={`${testId}-sample`} data-corpus={corpus}>
            <span className="run-samples-corpus" style={{ borderColor: corpusColor(corpus, corpora) }}>{name(corpus)}</span>
            <SampleText prompt={s.prompt} text={s.text} testId={`${testId}-text`} empty="(nothing: it ended at once)" />
          </li>
        ))}
      </ul>
      <p className="muted small-text">Greedy text after the first words of each corpus's validation text, written at every evaluation.</p>
    </div>
  );
}
