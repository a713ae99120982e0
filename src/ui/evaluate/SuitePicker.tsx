// Which minimal-pair suites an evaluation runs: by default the English agreement suite, imported
// suites and the featured languages' word-order suites (and whatever is already chosen); all ~460
// on search by name, language code or id. Word-order suites are marked as proxies; every suite
// shows what a scorer that only looks at sentence length gets on it (near 50 % for built-in ones).
import { useMemo, useState } from 'react';
import type { SuiteInfo } from '../../core/eval/suites/types';
import { useStudio } from '../../state/store';
import { toggle } from './EvalPickers';
import { formatCount } from '../shared/format';
import { report } from '../shared/report';
import { useStudioApi } from '../shared/studioContext';

/** A length-only accuracy this far from 50 % is flagged: length alone would move the suite's score. */
const LENGTH_BIAS_FLAG = 0.05;

/** The languages with featured corpora; their word-order suites are listed without a search. */
const FEATURED_LANGUAGES = new Set(['eng', 'ekk', 'fao', 'isl', 'pes', 'swe', 'fin', 'deu']);

export function SuitePicker({ value, onChange }: { value: string[]; onChange: (ids: string[]) => void }) {
  const suites = useStudio((s) => s.suites);
  const [query, setQuery] = useState('');
  const shown = useMemo(() => filterSuites(suites, query, value), [suites, query, value]);
  return (
    <div className="eval-pick-box">
      <div className="eval-pick-head">
        <h3>Suites <span className="muted">({value.length} chosen of {suites.length})</span></h3>
        <button className="link" onClick={() => onChange([])} disabled={value.length === 0}>none</button>
      </div>
      <input type="search" placeholder="search all by name, language, id…" data-testid="eval-suite-search" value={query} onChange={(e) => setQuery(e.target.value)} />
      <ul className="rows eval-list suites">
        {shown.map((s) => <SuiteRow key={s.id} suite={s} checked={value.includes(s.id)} onCheck={(on) => onChange(toggle(value, s.id, on))} />)}
        {shown.length === 0 && <li className="muted">{query ? `No suite matches “${query}”.` : 'Loading suites…'}</li>}
      </ul>
    </div>
  );
}

export function isImported(s: SuiteInfo): boolean {
  return s.source === 'blimp' || s.source === 'multiblimp';
}

function isDefault(s: SuiteInfo): boolean {
  return s.source === 'brown-agreement' || isImported(s) || (s.source === 'word-order' && FEATURED_LANGUAGES.has(s.language));
}

function filterSuites(suites: SuiteInfo[], query: string, chosen: string[]): SuiteInfo[] {
  const q = query.trim().toLowerCase();
  if (!q) return suites.filter((s) => isDefault(s) || chosen.includes(s.id));
  return suites.filter((s) => s.name.toLowerCase().includes(q) || s.language === q || s.id.toLowerCase().includes(q));
}

function SuiteRow({ suite: s, checked, onCheck }: { suite: SuiteInfo; checked: boolean; onCheck: (on: boolean) => void }) {
  const studio = useStudioApi();
  return (
    // Wraps where the column is narrow, so the name keeps room to be read and the figures move to
    // a second line instead of squeezing it to a letter.
    <li className="row eval-item" style={{ flexWrap: 'wrap' }} title={`${s.id} — ${s.description}`}>
      <label className="check-line" style={{ minWidth: '11em' }}>
        <input type="checkbox" data-testid="eval-suite" data-id={s.id} checked={checked} onChange={(e) => onCheck(e.target.checked)} />
        <span className="name">{s.name}</span>
      </label>
      <span className="tag">{s.language}</span>
      {s.proxy && <span className="tag proxy" title="word-order swaps only approximate grammaticality">proxy</span>}
      {isImported(s) && <span className="tag imported">{s.source}</span>}
      <span className="num muted">{formatCount(s.pairCount)} pairs</span>
      {s.lengthOnlyAccuracy !== undefined && <LengthOnly accuracy={s.lengthOnlyAccuracy} />}
      {isImported(s) && <button className="link danger" data-testid="suite-delete" title="delete this imported suite" onClick={() => void report(studio.deleteSuite(s.id))}>×</button>}
    </li>
  );
}

function LengthOnly({ accuracy }: { accuracy: number }) {
  const biased = Math.abs(accuracy - 0.5) > LENGTH_BIAS_FLAG;
  const title = `A scorer that only prefers the shorter sentence (UTF-8 bytes; equal lengths count half) gets ${(100 * accuracy).toFixed(1)} % of the pairs.${biased ? ' Far from 50 %: sentence length alone moves this suite\'s score, so compare models with care.' : ' Near 50 %: length cannot decide this suite.'}`;
  return <span className={biased ? 'num' : 'num muted'} style={{ marginLeft: 'auto', ...(biased ? { color: 'var(--warn)' } : {}) }} data-testid="suite-length-only" title={title}>length-only {(100 * accuracy).toFixed(1)} %</span>;
}
