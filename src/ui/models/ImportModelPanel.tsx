// Imports a Hugging Face Llama/Mistral checkpoint from local files: a file picker (several files,
// or one .zip archive such as the studio's export) or a drop of files, a whole model folder or a .zip. Progress in MB read; the import's notes (what was
// adapted or skipped) and any error stay visible under the panel.
import { useState, type DragEvent } from 'react';
import type { ImportResult } from '../../state/interop';
import { useStudio } from '../../state/store';
import { ProgressBox } from '../shared/ProgressBox';
import { useReport } from '../shared/report';
import { ErrorText } from '../shared/ErrorText';
import { useStudioApi } from '../shared/studioContext';

/** Files of a drop, descending into dropped folders (one level of model folder is typical). */
async function droppedFiles(e: DragEvent): Promise<File[]> {
  const entries = [...e.dataTransfer.items].map((i) => i.webkitGetAsEntry?.()).filter((x): x is FileSystemEntry => !!x);
  if (!entries.length) return [...e.dataTransfer.files];
  const out: File[] = [];
  const walk = async (entry: FileSystemEntry, path: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej));
      out.push(new File([file], path + file.name));
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      let batch: FileSystemEntry[];
      do {
        batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
        for (const child of batch) await walk(child, `${path}${entry.name}/`);
      } while (batch.length);
    }
  };
  for (const entry of entries) await walk(entry, '');
  return out;
}

export function ImportModelPanel() {
  const studio = useStudioApi();
  const progress = useStudio((s) => s.importProgress);
  const [result, setResult] = useState<ImportResult>();
  const { error, run: attempt, near } = useReport();
  const [over, setOver] = useState(false);

  const run = async (files: File[]) => {
    if (!files.length) return;
    setResult(undefined);
    const zips = files.filter((f) => /\.zip$/i.test(f.name));
    setResult(await attempt(() => {
      if (!zips.length) return studio.importFiles(files);
      if (files.length > 1) throw new Error(`choose one .zip archive on its own, or the model's files without it (chosen: ${files.map((f) => f.name).slice(0, 6).join(', ')})`);
      return studio.importArchive(zips[0]);
    }));
  };

  return (
    <section className="panel" data-testid="import-panel">
      <h2>Import a Hugging Face model</h2>
      <p className="muted small-text">
        LlamaForCausalLM or MistralForCausalLM: config.json, model.safetensors (or its shards with model.safetensors.index.json; F32, F16 or BF16) and tokenizer.json (+ tokenizer_config.json), or one .zip holding them (as the studio's export writes). Nothing leaves this machine.
      </p>
      <div
        className={`dropzone${over ? ' over' : ''}`}
        ref={near}
        data-testid="import-drop"
        onDragOver={(e) => { e.preventDefault(); setOver(true); }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => { e.preventDefault(); setOver(false); void droppedFiles(e).then(run); }}
      >
        Drop the model's files, folder or .zip here, or{' '}
        <label className="link-label">
          choose files or a .zip
          <input type="file" multiple hidden data-testid="import-files" disabled={!!progress}
            onChange={(e) => { const files = [...(e.target.files ?? [])]; e.target.value = ''; void run(files); }} />
        </label>
      </div>
      {progress && <ProgressBox progress={progress} testId="import-progress" />}
      {error && <ErrorText message={error} testId="import-error" />}
      {result && (
        <div data-testid="import-result">
          <p>Imported <strong>{result.name}</strong> <span className="muted">({result.id})</span></p>
          {result.notes.length > 0 && <ul className="small-text">{result.notes.map((n) => <li key={n}>{n}</li>)}</ul>}
        </div>
      )}
    </section>
  );
}
