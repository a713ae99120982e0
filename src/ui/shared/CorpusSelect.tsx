// A corpus picker: featured and user corpora first, then every other corpus in a second group.
import type { CorpusInfo } from '../../core/data/corpusSplit';
import { useStudio } from '../../state/store';

export function CorpusSelect(props: { value: string; onChange: (id: string) => void; placeholder?: string; testId?: string; exclude?: string[]; label?: string }) {
  const corpora = useStudio((s) => s.corpora);
  const usable = corpora.filter((c) => !props.exclude?.includes(c.id) || c.id === props.value);
  const option = (c: CorpusInfo) => <option key={c.id} value={c.id}>{c.name} · {c.language}</option>;
  return (
    <select value={props.value} aria-label={props.label} data-testid={props.testId} onChange={(e) => props.onChange(e.target.value)}>
      {props.placeholder !== undefined && <option value="">{props.placeholder}</option>}
      {!corpora.some((c) => c.id === props.value) && props.value && <option value={props.value}>{props.value}</option>}
      <optgroup label="Featured">{usable.filter((c) => c.featured).map(option)}</optgroup>
      <optgroup label="All">{usable.filter((c) => !c.featured).map(option)}</optgroup>
    </select>
  );
}
