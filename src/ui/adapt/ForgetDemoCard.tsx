// The educator's card "Watch a model forget": one button starts studio.watchAModelForget() (a new
// tiny model learns English, then only Icelandic), and the card says in plain words what the
// charts show in each phase. Each run of the demo is shown in the charts as it starts.
import { useEffect, useState } from 'react';
import type { ForgetDemoHandle } from '../../state/educatorPresets';
import { notify, useStudio } from '../../state/store';
import { report } from '../shared/report';
import { useStudioApi } from '../shared/studioContext';
import { viewRun } from '../shared/uiState';

type Phase = ReturnType<ForgetDemoHandle['phase']>;

const PHASES: { id: Phase; title: string; text: string }[] = [
  { id: 'create', title: '1 · A blank model', text: 'A new, untrained model is created. Its weights are random, so it guesses every next character about equally.' },
  { id: 'english', title: '2 · Learning English', text: 'The model learns English from the Brown corpus: its English loss falls. Icelandic loss falls a little too, because the two languages share letters and some patterns.' },
  { id: 'adapt', title: '3 · Only Icelandic now', text: 'Now it only sees Icelandic: Icelandic loss falls (gain) while English loss rises and its English word-order accuracy drops — catastrophic forgetting (a model this small never learns English agreement, which stays at chance). Mixing some English back into each batch (replay) reduces it.' },
  { id: 'done', title: '4 · Done', text: 'The model has become better at Icelandic and worse at English. Try the form above with 10–30 % replay and compare the runs: forgetting shrinks while the gain barely changes.' },
];

export function ForgetDemoCard() {
  const studio = useStudioApi();
  const ready = useStudio((s) => !!s.backend.info);
  const [demo, setDemo] = useState<ForgetDemoHandle>();
  const [finished, setFinished] = useState(false);
  // phase() and runIds() are not reactive; each phase starts a run, which adds to the store.
  useStudio((s) => Object.keys(s.runs).length);
  const phase = demo?.phase();
  const ids = demo?.runIds() ?? [];
  const latest = ids[ids.length - 1];
  useEffect(() => {
    if (latest) viewRun(latest);
  }, [latest]);

  function start() {
    void report(() => {
      const d = studio.watchAModelForget();
      setDemo(d);
      setFinished(false);
      d.done.then(
        () => notify('info', 'The forgetting demo finished: compare the English and Icelandic curves.'),
        (e: Error) => notify('error', `The forgetting demo stopped: ${e.message}`),
      ).finally(() => setFinished(true));
    });
  }

  const running = !!demo && !finished;
  return (
    <div className="forget-card" data-testid="forget-card">
      <h3>Watch a model forget</h3>
      <p className="muted small-text">
        A tiny model learns English, then is trained on Icelandic alone. Watch the curves below: what a model learns last can push out what it knew.
      </p>
      <div className="actions">
        <button className="primary" data-testid="forget-start" disabled={running || !ready} onClick={start}>{running ? 'Running…' : 'Start'}</button>
        {running && <button className="danger" data-testid="forget-stop" onClick={() => demo.stop()}>Stop</button>}
        {demo && <span className="muted small-text">{demo.plan.size === 'tiny' ? 'tiny model (software GPU or CPU)' : 'larger model (GPU)'}</span>}
      </div>
      {demo && (
        <p className="forget-phase" data-testid="forget-phase" data-phase={phase}>
          phase: <b>{phase}</b>{finished && phase !== 'done' ? ' (stopped)' : ''}
        </p>
      )}
      <ol className="forget-steps">
        {PHASES.map((p) => (
          <li key={p.id} className={p.id === phase ? 'current' : undefined} data-phase={p.id}>
            <b>{p.title}.</b> {p.text}
          </li>
        ))}
      </ol>
    </div>
  );
}
