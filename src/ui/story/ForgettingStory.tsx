// The "Watch a model forget" view (#/forget): one click runs the story of educatorPresets.ts (a new
// model learns English, then only Icelandic), one chart shows both languages over the whole story
// with a marker where the data changes, each stage is explained beside it with what the model
// writes at that point, and a second click repeats phase 2 with English replay on the same axes.
import { useMemo, useState } from 'react';
import { passNumbers, phaseOffset, storyPoints } from '../../core/train/forgetStory';
import { wordOrderSuite } from '../../core/data/corpusIds';
import { type ForgetSize, REPLAY_CHOICES, type ReplayPassState, useForgetStory } from '../../state/educatorPresets';
import { notify, useStudio } from '../../state/store';
import { report } from '../shared/report';
import { useStudioApi } from '../shared/studioContext';
import { StoryChart } from './StoryChart';
import { StoryComparison } from './StoryComparison';
import { StoryStages } from './StoryStages';
import { languageName } from './storyText';

const EMPTY: never[] = [];

export function ForgettingStory() {
  const studio = useStudioApi();
  const ready = useStudio((s) => !!s.backend.info);
  const story = useForgetStory((s) => s.story);
  const handle = useForgetStory((s) => s.handle);
  const corpora = useStudio((s) => s.corpora);
  const [size, setSize] = useState<ForgetSize | 'auto'>('auto');
  const [replay, setReplay] = useState<number>(0.25);

  const plan = story?.plan;
  const lastReplay = story?.replays[story.replays.length - 1];
  const ids = [story?.runs.english, story?.runs.adapt, lastReplay?.runId] as const;
  // Run metrics grow in place; their versions are what change.
  const versions = useStudio((s) => ids.map((id) => (id ? s.runs[id]?.version ?? -1 : -1)).join());
  const data = useMemo(() => {
    if (!plan) return undefined;
    const metrics = (id: string | undefined) => (id ? useStudio.getState().runs[id]?.metrics : undefined);
    const english = metrics(ids[0]) ?? EMPTY;
    const adapt = metrics(ids[1]);
    const replayed = metrics(ids[2]);
    const numbers = (m: typeof adapt, share: number) => (m ? passNumbers(m, share, plan.english, plan.target) : undefined);
    return {
      points: storyPoints({ english, adapt, replay: replayed }),
      // Before phase 2 the marker stands where phase 1 is planned to end.
      offset: adapt ? phaseOffset(english) : undefined,
      plannedChange: plan.englishRun.steps,
      phase1: numbers(english, 0),
      pass1: numbers(adapt, 0),
      pass2: lastReplay ? numbers(replayed, lastReplay.replay) : undefined,
      at: { english: lastStep(english), adapt: lastStep(adapt), replay: lastStep(replayed) },
    };
  }, [plan, versions, ...ids, lastReplay?.replay]);

  const nameOf = (id: string) => languageName(id, corpora);
  const running = !!story && !story.error && (story.phase !== 'done' || lastReplay?.status === 'running');
  const canReplay = story?.phase === 'done' && !running;

  function start() {
    void report(() => {
      const h = studio.watchAModelForget(size === 'auto' ? undefined : size);
      h.done.then(
        () => notify('info', 'Pass 1 of the forgetting story is done: run the replay pass to see forgetting shrink.'),
        (e: Error) => notify('error', `The forgetting story stopped: ${e.message}`),
      );
    });
  }

  function startReplay() {
    if (!handle) return;
    void report(handle.replayPass(replay).then(() => notify('info', 'The replay pass is done: compare the dashed lines with the solid ones.')));
  }

  return (
    <section className="panel story" data-testid="forget-story" data-phase={story?.phase} data-running={running}>
      <h2>Watch a model forget</h2>
      <p className="muted small-text story-lead">
        A new model learns English, then reads only Icelandic. One chart follows both languages over the whole story; after each stage the model writes from the same English and Icelandic prompts. Then one click repeats the Icelandic phase with some English mixed back in (replay), on the same axes.
      </p>
      <div className="actions story-actions">
        <label className="field story-size">
          <span>model size</span>
          <select data-testid="story-size" value={size} disabled={running} onChange={(e) => setSize(e.target.value as ForgetSize | 'auto')}>
            <option value="auto">as the device allows</option>
            <option value="tiny">tiny (software GPU or CPU)</option>
            <option value="gpu">larger (a real GPU)</option>
          </select>
        </label>
        <button className="primary" data-testid="story-start" disabled={running || !ready} onClick={start}>
          {story ? 'Start again' : 'Start the story'}
        </button>
        {running && <button className="danger" data-testid="story-stop" onClick={() => handle?.stop()}>Stop</button>}
        {plan && data && (
          <span className="muted small-text" data-testid="story-progress">
            {plan.size === 'tiny' ? 'tiny model' : 'larger model'} · {story.error ? `stopped: ${story.error}` : progressText(story.phase, data.at, plan, lastReplay?.status, story.sampling !== undefined)}
          </span>
        )}
      </div>
      {plan && data && story && (
        <div className="story-body">
          <div className="story-figure">
            <StoryChart points={data.points} offset={data.offset} plannedChange={data.plannedChange} steps={plan.englishRun.steps + plan.adapt.steps} corpora={[plan.english, plan.target]} replay={lastReplay?.runId ? lastReplay.replay : undefined} />
            <StoryComparison passes={[data.pass1, data.pass2].filter((p) => p !== undefined)} englishName={nameOf(plan.english)} targetName={nameOf(plan.target)} wordOrderSuite={wordOrderSuite(plan.english)} />
            <div className="story-replay" data-testid="story-replay">
              <span className="label">Pass 2: the same Icelandic phase with English replay</span>
              <div className="actions">
                <div className="story-choices" role="radiogroup" aria-label="English replay share">
                  {REPLAY_CHOICES.map((r) => (
                    <label key={r} className={r === replay ? 'on' : undefined}>
                      <input type="radio" name="story-replay" data-testid="story-replay-choice" value={r} checked={r === replay} onChange={() => setReplay(r)} />
                      {Math.round(r * 100)} %
                    </label>
                  ))}
                </div>
                <button className="primary" data-testid="story-replay-start" disabled={!canReplay} onClick={startReplay}>Run the replay pass</button>
              </div>
              <p className="help">Starts from the same English checkpoint with the same settings and {plan.adapt.steps} steps; only the share of English in each batch differs.</p>
            </div>
          </div>
          <StoryStages story={story} numbers={data} names={{ english: nameOf(plan.english), target: nameOf(plan.target) }} />
        </div>
      )}
    </section>
  );
}

const lastStep = (m: { step: number }[] | undefined) => m?.[m.length - 1]?.step ?? 0;

function progressText(phase: string, at: { english: number; adapt: number; replay: number }, plan: { englishRun: { steps: number }; adapt: { steps: number } }, replay: ReplayPassState['status'] | undefined, sampling: boolean): string {
  if (sampling) return 'writing samples…';
  if (replay === 'running') return `replay pass: step ${at.replay} of ${plan.adapt.steps}`;
  if (replay === 'done') return 'both passes done';
  if (replay === 'failed') return 'pass 1 done; the replay pass stopped';
  switch (phase) {
    case 'create': return 'creating the model…';
    case 'english': return `phase 1, English only: step ${at.english} of ${plan.englishRun.steps}`;
    case 'adapt': return `phase 2, Icelandic only: step ${at.adapt} of ${plan.adapt.steps}`;
    default: return 'pass 1 done';
  }
}
