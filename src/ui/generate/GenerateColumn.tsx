// One checkpoint's output in the Generate panel: its name, what it is doing (waiting for the one
// before it, writing, or why it ended), and the prompt followed by the text as it streams in.
import type { StoppedBy } from '../../core/model/generate';
import { ErrorText } from '../shared/ErrorText';
import { SampleText } from '../shared/SampleText';
import type { GenerationColumn } from './useGenerations';

const ENDED: Record<StoppedBy, string> = {
  eos: 'ended at end-of-text',
  stop: 'ended at the stop string',
  maxTokens: 'reached max tokens',
  context: 'filled the context',
  stopped: 'stopped',
};

function statusText(c: GenerationColumn): string {
  const tokens = `${c.tokens} token${c.tokens === 1 ? '' : 's'}`;
  switch (c.status) {
    case 'waiting':
      return 'waiting for its turn…';
    case 'writing':
      return `writing… ${tokens}`;
    case 'done':
      return `${tokens}, ${c.stoppedBy ? ENDED[c.stoppedBy] : 'done'}`;
    case 'skipped':
      return 'not run (stopped)';
    case 'failed':
      return 'failed';
  }
}

export function GenerateColumn({ column: c, prompt }: { column: GenerationColumn; prompt: string }) {
  return (
    <article className="generate-column" data-testid="generate-column" data-checkpoint={c.checkpointId} data-status={c.status} aria-busy={c.status === 'writing'}>
      <h3 title={c.name}>{c.name}</h3>
      <p className="muted small-text" data-testid="generate-status" aria-live="polite">{statusText(c)}</p>
      {c.error ? (
        <ErrorText message={c.error} testId="generate-error" />
      ) : (
        <SampleText prompt={prompt} text={c.text} testId="generate-output" empty={c.status === 'done' ? '(nothing)' : ''} />
      )}
    </article>
  );
}
