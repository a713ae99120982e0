// Imports a minimal-pair suite from BLiMP JSON Lines or MultiBLiMP TSV files as soon as they are
// chosen; bad lines are skipped by the loader and the first few reported as file:line.
import { useRef, useState } from 'react';
import type { LoadError } from '../core/eval/suites/loaders';
import { notify } from '../state/store';
import type { SuiteFormat } from '../state/evaluation';
import { report } from './report';
import { useStudioApi } from './studioContext';

const SHOWN_ERRORS = 3;

const ACCEPT: Record<SuiteFormat, string> = { blimp: '.jsonl,.json,.txt', multiblimp: '.tsv,.txt' };

export function SuiteImport() {
  const studio = useStudioApi();
  const [format, setFormat] = useState<SuiteFormat>('blimp');
  const [name, setName] = useState('');
  const [language, setLanguage] = useState('');
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  async function importFiles(list: File[]) {
    setBusy(true);
    const suiteName = name.trim() || baseName(list[0].name);
    const res = await report(
      Promise.all(list.map(async (f) => ({ name: f.name, text: await f.text() })))
        .then((files) => studio.importSuite(suiteName, files, format, { language: language.trim() || undefined })),
    );
    setBusy(false);
    if (input.current) input.current.value = '';
    if (!res) return;
    notify('info', `Imported suite “${suiteName}”: ${res.pairs} pairs from ${list.length} file${list.length === 1 ? '' : 's'}.`);
    if (res.errors.length) notify('error', `“${suiteName}”: skipped ${res.errors.length} bad line(s) — ${describeErrors(res.errors)}`);
  }

  return (
    <div className="suite-import" data-testid="suite-import">
      <h3>Import a suite</h3>
      <div className="row-form">
        <label className="field">
          <span>format</span>
          <select data-testid="suite-format" value={format} onChange={(e) => setFormat(e.target.value as SuiteFormat)}>
            <option value="blimp">BLiMP JSON Lines (.jsonl)</option>
            <option value="multiblimp">MultiBLiMP TSV (.tsv)</option>
          </select>
        </label>
        <label className="field grow">
          <span>name</span>
          <input data-testid="suite-name" placeholder="from the file name" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span>language</span>
          <input className="short" data-testid="suite-language" placeholder={format === 'blimp' ? 'eng' : 'auto'} maxLength={3} value={language} onChange={(e) => setLanguage(e.target.value.toLowerCase())} title="ISO 639-3 code; empty: read from the files (MultiBLiMP) or English (BLiMP)" />
        </label>
      </div>
      <input
        ref={input}
        type="file"
        multiple
        accept={ACCEPT[format]}
        data-testid="suite-file"
        disabled={busy}
        onChange={(e) => e.target.files?.length && void importFiles([...e.target.files])}
      />
    </div>
  );
}

/** "tiny_agreement.jsonl" → "tiny_agreement". */
function baseName(file: string): string {
  return file.replace(/\.[^.]*$/, '') || file;
}

/** The first few errors as "file:line message"; a whole-file problem (line 0) has no line. */
function describeErrors(errors: LoadError[]): string {
  const first = errors.slice(0, SHOWN_ERRORS).map((e) => `${e.file}${e.line ? `:${e.line}` : ''} ${e.message}`).join('; ');
  return errors.length > SHOWN_ERRORS ? `${first}; and ${errors.length - SHOWN_ERRORS} more` : first;
}
