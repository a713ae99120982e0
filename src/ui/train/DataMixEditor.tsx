// The data mix of a run: one row per corpus with its sampling weight; rows can be added and removed.
import { CorpusSelect } from '../shared/CorpusSelect';
import type { MixRow } from './trainDraft';

export function DataMixEditor({ rows, onChange }: { rows: MixRow[]; onChange: (rows: MixRow[]) => void }) {
  const set = (i: number, row: MixRow) => onChange(rows.map((r, j) => (j === i ? row : r)));
  const used = rows.map((r) => r.corpus);
  return (
    <div className="mix" data-testid="train-data">
      <span className="label">data mix</span>
      {rows.map((r, i) => (
        <div className="mix-row" key={i} data-testid="mix-row">
          <CorpusSelect value={r.corpus} label={`data mix corpus ${i + 1}`} testId="mix-corpus" exclude={used} onChange={(corpus) => set(i, { ...r, corpus })} />
          <input className="short" inputMode="decimal" data-testid="mix-weight" aria-label={`sampling weight of corpus ${i + 1}`} title="sampling weight" value={r.weight} onChange={(e) => set(i, { ...r, weight: e.target.value })} />
          <button className="icon" data-testid="mix-remove" disabled={rows.length === 1} title="remove" aria-label={`remove corpus ${i + 1} from the mix`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>×</button>
        </div>
      ))}
      <button className="link" data-testid="mix-add" onClick={() => onChange([...rows, { corpus: '', weight: '1' }])}>+ add corpus</button>
    </div>
  );
}
