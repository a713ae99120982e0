// The story's one chart: validation loss of English and Icelandic over the whole story, phase 2's
// steps continuing phase 1's, a marker where the data changes, and the replay pass drawn dashed on
// the same axes in the same language colours.
import { useState } from 'react';
import { ReferenceLine } from 'recharts';
import { seriesKey, type StoryPoint, type StoryX } from '../../core/train/forgetStory';
import { useStudio } from '../../state/store';
import { xOf } from '../shared/chartData';
import type { XKind } from '../shared/chartStyle';
import { corpusColor } from '../shared/languageColors';
import { type ChartLine, MetricChart } from '../shared/MetricChart';
import { languageName } from './storyText';

export interface StoryChartProps {
  points: StoryPoint[];
  /** Where phase 2 starts (the marker); undefined until it starts. */
  offset?: StoryX;
  /** The step phase 2 is planned to start at: the marker's place on a step axis until it starts. */
  plannedChange: number;
  /** Steps of the whole story: phase 1's plus phase 2's. */
  steps: number;
  corpora: string[];
  /** The replay pass's share, when one is drawn. */
  replay?: number;
}

export function StoryChart({ points, offset, plannedChange, steps, corpora, replay }: StoryChartProps) {
  const [x, setX] = useState<XKind>('step');
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
  // Where the data changes on the axis shown; before phase 2 only a step axis knows where.
  const marker = offset ? xOf(offset, x) : x === 'step' ? plannedChange : undefined;
  const lines = [...corpora.map((c) => line('main', c)), ...(replay !== undefined ? corpora.map((c) => line('replay', c)) : [])];
  return (
    <div className="story-chart" data-testid="story-chart" data-lines={lines.length} data-passes={replay !== undefined ? 2 : 1} data-marker={offset?.step ?? plannedChange} data-steps={steps} data-last-step={points[points.length - 1]?.step}>
      <MetricChart testId="chart-story" title={`${name(corpora[0])} and ${name(corpora[1])} over the whole story`} yTitle="validation loss, nats per byte" valueName="validation_loss" subject="forgetting story" chart="story" points={points} steps={steps} lines={lines} x={x} onX={setX} empty="the curves appear at the first evaluation…">
        {marker !== undefined && marker > 0 && (
          <ReferenceLine x={marker} stroke="#374151" strokeDasharray="3 3" label={{ value: `${name(corpora[0])} → ${name(corpora[1])}`, position: 'insideTopRight', fontSize: 11, fill: '#374151' }} />
        )}
      </MetricChart>
    </div>
  );
}
