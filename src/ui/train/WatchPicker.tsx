// Which corpora a run evaluates while it trains: chips for the chosen ones, a picker to add more.
import { useStudio } from '../../state/store';
import { CorpusSelect } from '../shared/CorpusSelect';

export function WatchPicker({ value, onChange }: { value: string[]; onChange: (ids: string[]) => void }) {
  const corpora = useStudio((s) => s.corpora);
  const name = (id: string) => corpora.find((c) => c.id === id)?.name ?? id;
  return (
    <div className="watch" data-testid="train-watch">
      <span className="label">watch (validation loss)</span>
      <div className="chips">
        {value.map((id) => (
          <span className="chip" key={id} data-testid="watch-chip" data-id={id}>
            {name(id)}
            <button className="icon" title="stop watching" onClick={() => onChange(value.filter((w) => w !== id))}>×</button>
          </span>
        ))}
        <CorpusSelect value="" placeholder="+ watch…" label="add a corpus to watch" testId="watch-add" exclude={value} onChange={(id) => id && onChange([...value, id])} />
      </div>
    </div>
  );
}
