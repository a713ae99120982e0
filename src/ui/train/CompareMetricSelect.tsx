// The metric picker of the run comparison: training loss, validation loss per watched corpus,
// accuracy per scored suite (grouped), named as the corpus and suite lists name them.
import { useStudio } from '../../state/store';
import type { CompareMetric, MetricOption } from './CompareSeries';

const GROUPS: { id: MetricOption['group']; label: string }[] = [
  { id: 'loss', label: 'Training' },
  { id: 'valid', label: 'Validation loss' },
  { id: 'pairs', label: 'Minimal-pair accuracy' },
];

/** A metric id as the chart's heading reads it: "validation loss · English (Brown corpus)". */
export function useMetricLabel(): (metric: CompareMetric) => string {
  const corpora = useStudio((s) => s.corpora);
  const suites = useStudio((s) => s.suites);
  return (metric) => {
    if (metric === 'loss') return 'training loss';
    const of = metric.slice(metric.indexOf(':') + 1);
    if (metric.startsWith('valid:')) return `validation loss · ${corpora.find((c) => c.id === of)?.name ?? of}`;
    const s = suites.find((x) => x.id === of);
    return `accuracy · ${s?.name ?? of}${s?.proxy ? ' (proxy)' : ''}`;
  };
}

export function CompareMetricSelect({ options, value, onChange }: { options: MetricOption[]; value: CompareMetric; onChange: (m: CompareMetric) => void }) {
  const label = useMetricLabel();
  return (
    <label className="field inline">
      <span>metric</span>
      <select data-testid="compare-metric" value={value} onChange={(e) => onChange(e.target.value)}>
        {!options.some((o) => o.id === value) && <option value={value}>{label(value)}</option>}
        {GROUPS.map((g) => (
          <optgroup key={g.id} label={g.label}>
            {options.filter((o) => o.group === g.id).map((o) => <option key={o.id} value={o.id}>{label(o.id)}</option>)}
          </optgroup>
        ))}
      </select>
    </label>
  );
}
