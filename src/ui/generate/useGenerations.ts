// Generation in several checkpoints on one prompt and seed, one after another (the engine runs
// one request at a time, and holds only a few models: one at a time never unloads the model that
// is writing), each column streaming its tokens. Stop aborts the one writing and skips the rest.
import { useCallback, useRef, useState } from 'react';
import type { StoppedBy } from '../../core/model/generate';
import type { StudioApi } from '../../state/studio';
import { report } from '../shared/report';

export interface GenerationColumn {
  checkpointId: string;
  name: string;
  status: 'waiting' | 'writing' | 'done' | 'skipped' | 'failed';
  text: string;
  tokens: number;
  stoppedBy?: StoppedBy;
  error?: string;
}

/** `near`: the element the columns sit in (see report()). */
export function useGenerations(studio: StudioApi, near: () => Element | null) {
  const [columns, setColumns] = useState<GenerationColumn[]>([]);
  const [running, setRunning] = useState(false);
  const controller = useRef<AbortController | undefined>(undefined);

  const start = useCallback(async (checkpoints: { id: string; name: string }[], prompt: string, options: Record<string, unknown>) => {
    controller.current?.abort();
    const abort = new AbortController();
    controller.current = abort;
    // A later start replaces this one: what this loop still reports then is dropped.
    const update = (i: number, change: Partial<GenerationColumn>) => {
      if (controller.current === abort) setColumns((cs) => cs.map((c, k) => (k === i ? { ...c, ...change } : c)));
    };
    setColumns(checkpoints.map((c) => ({ checkpointId: c.id, name: c.name, status: 'waiting', text: '', tokens: 0 })));
    setRunning(true);
    for (let i = 0; i < checkpoints.length; i++) {
      if (abort.signal.aborted) {
        update(i, { status: 'skipped' });
        continue;
      }
      update(i, { status: 'writing' });
      // A failure shows in its column (and as a notice while the columns are off screen); the next model still writes.
      const r = await report(() => studio.generate(checkpoints[i].id, prompt, options, { signal: abort.signal, onToken: (s) => update(i, { text: s.text, tokens: s.index + 1 }) }), {
        show: (message) => update(i, { status: 'failed', error: message }),
        near,
      });
      if (r) update(i, { status: 'done', text: r.text, tokens: r.tokens.length, stoppedBy: r.stoppedBy });
    }
    if (controller.current === abort) setRunning(false);
  }, [studio, near]);

  const stop = useCallback(() => controller.current?.abort(), []);

  return { columns, running, start, stop };
}
