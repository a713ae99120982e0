// The corpora training can draw on: the featured ones (and the user's own) by default, all ~530
// UDHR translations on search by name, language code or id. User corpora can be added and deleted.
import { useMemo, useState } from 'react';
import type { CorpusInfo } from '../../core/data/corpusSplit';
import { useStudio } from '../../state/store';
import { AddCorpusForm } from './AddCorpusForm';
import { formatKB } from '../shared/format';
import { report } from '../shared/report';
import { useStudioApi } from '../shared/studioContext';

export function CorporaPanel() {
  const corpora = useStudio((s) => s.corpora);
  const [query, setQuery] = useState('');
  const shown = useMemo(() => filterCorpora(corpora, query), [corpora, query]);
  return (
    <section className="panel" data-testid="corpora-panel">
      <h2>Corpora <span className="muted">({corpora.length})</span></h2>
      <input type="search" aria-label="search corpora" placeholder="search all by name, language, id…" data-testid="corpus-search" value={query} onChange={(e) => setQuery(e.target.value)} />
      <ul className="rows corpora">
        {shown.map((c) => <CorpusRow key={c.id} corpus={c} />)}
        {shown.length === 0 && <li className="muted">No corpus matches “{query}”.</li>}
      </ul>
      <AddCorpusForm />
    </section>
  );
}

/** Featured and user corpora when the query is empty; otherwise every match, featured first. */
function filterCorpora(corpora: CorpusInfo[], query: string): CorpusInfo[] {
  const q = query.trim().toLowerCase();
  const hits = q ? corpora.filter((c) => c.name.toLowerCase().includes(q) || c.language === q || c.id.toLowerCase().includes(q)) : corpora.filter((c) => c.featured);
  return [...hits].sort((a, b) => Number(b.featured) - Number(a.featured));
}

function CorpusRow({ corpus: c }: { corpus: CorpusInfo }) {
  const studio = useStudioApi();
  return (
    <li className="row corpus" data-testid="corpus-row" data-id={c.id} title={`${c.name} — ${c.id}, ${c.source}`}>
      <span className="name">{c.name}</span>
      <span className="tag">{c.language}</span>
      <span className="num muted">{formatKB(c.trainBytes)} / {formatKB(c.validBytes)}</span>
      {c.source === 'user' && (
        <button className="link danger" data-testid="corpus-delete" title="delete this corpus" onClick={() => void report(studio.deleteCorpus(c.id))}>×</button>
      )}
    </li>
  );
}
