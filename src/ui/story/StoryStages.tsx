// The stages of the story beside its chart, in order: the blank model, phase 1 (English), phase 2
// (Icelandic only) and the replay pass. Each says what the chart shows at that stage, from its
// numbers, and what the model wrote after it; the stage in progress is highlighted.
import type { PassNumbers, SampleStage, StoryPoint } from '../../core/train/forgetStory';
import type { ForgetStoryState } from '../../state/educatorPresets';
import { MODEL_PRESETS } from '../../core/model/config';
import { StorySamples } from './StorySamples';
import { englishText, replayText, type StoryNames, targetText, untrainedText } from './storyText';

interface StageNumbers {
  points: StoryPoint[];
  phase1?: PassNumbers;
  pass1?: PassNumbers;
  pass2?: PassNumbers;
}

type StageState = 'waiting' | 'current' | 'done';

export function StoryStages({ story, numbers, names }: { story: ForgetStoryState; numbers: StageNumbers; names: StoryNames }) {
  const { plan, phase, replays } = story;
  const order = ['create', 'english', 'adapt', 'done'];
  const at = order.indexOf(phase);
  const state = (p: number): StageState => (at > p ? 'done' : at === p ? (story.error ? 'done' : 'current') : 'waiting');
  const lastReplay = replays[replays.length - 1];
  const first = numbers.points[0]?.values;
  const vocab = MODEL_PRESETS.find((p) => p.id === plan.preset)?.config.vocab_size ?? 259;
  const samples = (stage: SampleStage, checkpoint?: string) => story.samples.findLast((s) => s.stage === stage && (!checkpoint || s.checkpoint === checkpoint));
  const stages: { id: SampleStage; title: string; text: string; state: StageState; checkpoint?: string }[] = [
    { id: 'untrained', title: '1 · A blank model', text: untrainedText({ english: first?.[`main:${plan.english}`], target: first?.[`main:${plan.target}`] }, vocab, names), state: state(0) },
    { id: 'english', title: `2 · Learning ${names.english}`, text: englishText(numbers.phase1, plan.englishRun.steps, names), state: state(1) },
    { id: 'target', title: `3 · Only ${names.target} now`, text: targetText(numbers.pass1, plan.adapt.steps, names), state: state(2) },
  ];
  if (lastReplay) {
    stages.push({
      id: 'replay', title: `4 · Again, with ${Math.round(lastReplay.replay * 100)} % ${names.english} replay`,
      text: replayText(numbers.pass1, numbers.pass2, lastReplay.replay, plan.adapt.steps, names),
      state: lastReplay.status === 'running' ? 'current' : 'done', checkpoint: lastReplay.checkpoint ?? '—',
    });
  }
  return (
    <ol className="story-stages" data-testid="story-stages">
      {stages.map((s) => (
        <li key={s.id} className={`story-stage ${s.state}`} data-testid="story-stage" data-stage={s.id} data-state={s.state}>
          <h3>{s.title}</h3>
          <p>{s.text}</p>
          {s.state !== 'waiting' && <StorySamples stage={samples(s.id, s.checkpoint)} writing={story.sampling === s.id} />}
        </li>
      ))}
    </ol>
  );
}
