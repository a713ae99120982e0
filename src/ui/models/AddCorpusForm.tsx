// Adds a corpus from a .txt (a paragraph a line) or .jsonl (a "text" field a line) file, with an
// optional ISO 639-3 language; bad .jsonl lines are skipped and the first few reported.
import { useRef, useState } from 'react';
import { USER_CORPUS_EXTENSIONS } from '../../core/data/corpusSplit';
import { notify } from '../../state/store';
import { report } from '../shared/report';
import { useStudioApi } from '../shared/studioContext';
import { Field } from '../shared/Field';

const SHOWN_ERRORS = 3;

export function AddCorpusForm() {
  const studio = useStudioApi();
  const [language, setLanguage] = useState('');
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  async function add(file: File) {
    setBusy(true);
    const res = await report(file.text().then((text) => studio.addCorpus(file.name, text, { language: language.trim() || undefined })));
    setBusy(false);
    if (input.current) input.current.value = '';
    if (!res) return;
    notify('info', `Added ${file.name}: ${res.lines} lines.`);
    if (res.errors.length) {
      const first = res.errors.slice(0, SHOWN_ERRORS).map((e) => `line ${e.line}: ${e.message}`).join('; ');
      const more = res.errors.length > SHOWN_ERRORS ? ` (and ${res.errors.length - SHOWN_ERRORS} more)` : '';
      notify('error', `${file.name}: skipped ${res.errors.length} bad line(s) — ${first}${more}`);
    }
  }

  return (
    <div className="add-corpus">
      <Field label="Add corpus from file">
        <input ref={input} type="file" accept={USER_CORPUS_EXTENSIONS.join(',')} data-testid="corpus-file" disabled={busy} onChange={(e) => e.target.files?.[0] && void add(e.target.files[0])} />
      </Field>
      <label className="field inline">
        <span>language</span>
        <input className="short" placeholder="und" maxLength={3} data-testid="corpus-language" value={language} onChange={(e) => setLanguage(e.target.value.toLowerCase())} title="ISO 639-3 code, e.g. eng, fin; empty for undetermined" />
      </label>
    </div>
  );
}
