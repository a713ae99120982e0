// The story's one chart: validation loss of English and Icelandic over the whole story, phase 2's
// steps continuing phase 1's, a marker where the data changes, and the replay pass drawn dashed on
// the same axes in the same language colours.
import { ReferenceLine } from 'recharts';
import { seriesKey, type StoryPoint, type StoryX } from '../../core/train/forgetStory';
import { useStudio } from '../../state/store';
import { corpusColor } from '../shared/languageColors';
import { type ChartLine, MetricChart } from '../shared/MetricChart';
import { languageName } from './storyText';

export interface StoryChartProps {
  points: StoryPoint[];
  /** Where phase 2 starts (the marker); undefined until phase 1 has evaluated. */
  offset?: StoryX;
  /** Steps of the whole story: phase 1's plus phase 2's. */
  steps: number;
  corpora: string[];
  /** The replay pass's share, when one is drawn. */
  replay?: number;
}

export function StoryChart({ points, offset, steps, corpora, replay }: StoryChartProps) {
  const info = useStudio((s) => s.corpora);
  const name = (id: string) => languageName(id, info);
  const line = (pass: 'main' | 'replay', corpus: string): ChartLine<StoryPoint> => ({
    id: seriesKey(pass, corpus),
    name: pass === 'main' ? `${name(corpus)}${replay !== undefined ? ', no replay' : ''}` : `${name(corpus)}, ${Math.round(replay! * 100)} % replay`,
    value: (p) => p.values[seriesKey(pass, corpus)],
    color: corpusColor(corpus, info),
    dash: pass === 'replay' ? '6 3' : undefined,
    sparse: true,
  });
  const lines = [...corpora.map((c) => line('main', c)), ...(replay !== undefined ? corpora.map((c) => line('replay', c)) : [])];
  return (
    <div className="story-chart" data-testid="story-chart" data-lines={lines.length} data-passes={replay !== undefined ? 2 : 1} data-marker={offset?.step} data-steps={steps} data-last-step={points[points.length - 1]?.step}>
      <MetricChart testId="chart-story" title="validation loss (nats per byte) over the whole story" points={points} steps={steps} lines={lines} empty="the curves appear at the first evaluation…">
        {offset && offset.step > 0 && (
          <ReferenceLine x={offset.step} stroke="#374151" strokeDasharray="3 3" label={{ value: `${name(corpora[0])} → ${name(corpora[1])}`, position: 'insideTopRight', fontSize: 11, fill: '#374151' }} />
        )}
      </MetricChart>
    </div>
  );
}
