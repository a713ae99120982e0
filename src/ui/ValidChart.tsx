// Validation loss against step: one line per watched corpus, a point at each evaluation.
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { MetricPoint } from '../core/train/settings';
import { useStudio } from '../state/store';
import { CHART_HEIGHT, CHART_MARGIN, COLORS, LOSS_AXIS, LOSS_TOOLTIP, stepAxis } from './chartStyle';
import { formatLoss } from './format';

export function ValidChart({ points, steps, watch, empty }: { points: MetricPoint[]; steps?: number; watch: string[]; empty: string }) {
  const corpora = useStudio((s) => s.corpora);
  const name = (id: string) => corpora.find((c) => c.id === id)?.name ?? id;
  const last = points[points.length - 1]?.valid;
  return (
    <div className="chart" data-testid="chart-valid">
      <h3>
        validation loss
        {last && <span className="muted"> — {watch.map((w) => `${w} ${formatLoss(last[w])}`).join(' · ')}</span>}
      </h3>
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <LineChart data={points} margin={CHART_MARGIN}>
          <CartesianGrid stroke="#e5e7eb" />
          <XAxis {...stepAxis(steps)} />
          <YAxis {...LOSS_AXIS} />
          <Tooltip {...LOSS_TOOLTIP} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {watch.map((w, i) => (
            <Line key={w} dataKey={(p: MetricPoint) => p.valid?.[w]} name={name(w)} stroke={COLORS[i % COLORS.length]} dot={{ r: 2 }} strokeWidth={1.5} connectNulls isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
      {points.length === 0 && <div className="chart-empty muted">{empty}</div>}
    </div>
  );
}
