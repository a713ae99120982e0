// Imports a minimal-pair suite from BLiMP JSON Lines or MultiBLiMP TSV files as soon as they are
// chosen; the files stream in (MB read shown as they go); bad lines are skipped by the loader and
// the first few reported as file:line, with how many more there were.
import { useRef, useState } from 'react';
import { describeLoadErrors } from '../../core/eval/suites/loaders';
import { notify } from '../../state/store';
import type { SuiteFormat } from '../../state/evaluation';
import { type JobProgress, ProgressBox } from '../shared/ProgressBox';
import { report } from '../shared/report';
import { useStudioApi } from '../shared/studioContext';
import { Field } from '../shared/Field';

const ACCEPT: Record<SuiteFormat, string> = { blimp: '.jsonl,.json,.txt', multiblimp: '.tsv,.txt' };

export function SuiteImport() {
  const studio = useStudioApi();
  const [format, setFormat] = useState<SuiteFormat>('blimp');
  const [name, setName] = useState('');
  const [language, setLanguage] = useState('');
  const [progress, setProgress] = useState<JobProgress>();
  const input = useRef<HTMLInputElement>(null);

  async function importFiles(list: File[]) {
    const suiteName = name.trim() || baseName(list[0].name);
    const label = `Reading ${list.length === 1 ? list[0].name : `${list.length} files`}`;
    const startedAt = Date.now();
    setProgress({ done: 0, total: list.reduce((a, f) => a + f.size, 0), label, unit: 'bytes', startedAt });
    const res = await report(studio.importSuite(suiteName, list, format, {
      language: language.trim() || undefined,
      onProgress: ({ done, total }) => setProgress({ done, total, label, unit: 'bytes', startedAt }),
    }));
    setProgress(undefined);
    if (input.current) input.current.value = '';
    if (!res) return;
    notify('info', `Imported suite “${suiteName}”: ${res.pairs} pairs from ${list.length} file${list.length === 1 ? '' : 's'}.`);
    if (res.errorCount) notify('error', `“${suiteName}”: skipped ${res.errorCount} bad line(s) — ${describeLoadErrors(res.errors, res.errorCount)}`);
  }

  return (
    <div className="suite-import" data-testid="suite-import">
      <h3>Import a suite</h3>
      <div className="row-form">
        <Field label="format">
          <select data-testid="suite-format" value={format} onChange={(e) => setFormat(e.target.value as SuiteFormat)}>
            <option value="blimp">BLiMP JSON Lines (.jsonl)</option>
            <option value="multiblimp">MultiBLiMP TSV (.tsv)</option>
          </select>
        </Field>
        <Field grow label="name">
          <input data-testid="suite-name" placeholder="from the file name" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="language">
          <input className="short" data-testid="suite-language" placeholder={format === 'blimp' ? 'eng' : 'auto'} maxLength={3} value={language} onChange={(e) => setLanguage(e.target.value.toLowerCase())} title="ISO 639-3 code; empty: read from the files (MultiBLiMP) or English (BLiMP)" />
        </Field>
      </div>
      <input
        ref={input}
        type="file"
        multiple
        accept={ACCEPT[format]}
        aria-label="suite files to import"
        data-testid="suite-file"
        disabled={!!progress}
        onChange={(e) => e.target.files?.length && void importFiles([...e.target.files])}
      />
      {progress && <ProgressBox progress={progress} testId="suite-import-progress" />}
    </div>
  );
}

/** "tiny_agreement.jsonl" → "tiny_agreement". */
function baseName(file: string): string {
  return file.replace(/\.[^.]*$/, '') || file;
}
