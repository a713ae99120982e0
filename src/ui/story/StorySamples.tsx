// What the model writes at one stage of the story: each fixed prompt (muted) and its seeded
// continuation, as the studio shows every sample (SampleText), marked in the prompt language's colour.
import type { StageSamples } from '../../core/train/forgetStory';
import { useStudio } from '../../state/store';
import { corpusColor } from '../shared/languageColors';
import { SampleText } from '../shared/SampleText';
import { languageName, printable } from './storyText';

export function StorySamples({ stage, writing }: { stage?: StageSamples; writing: boolean }) {
  const corpora = useStudio((s) => s.corpora);
  if (!stage) return writing ? <p className="muted small-text">writing samples…</p> : null;
  return (
    <ul className="story-samples">
      {stage.samples.map((s) => {
        const language = languageName(s.corpus, corpora);
        return (
          <li key={s.corpus} data-testid="story-sample" data-stage={stage.stage} data-corpus={s.corpus} style={{ borderLeftColor: corpusColor(s.corpus, corpora) }}>
            <span className="story-sample-lang">{language} prompt</span>
            <SampleText prompt={s.prompt} text={printable(s.text)} />
          </li>
        );
      })}
    </ul>
  );
}
