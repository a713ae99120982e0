// Export of a checkpoint as a folder transformers loads as it is: one .zip named after the
// checkpoint (model.safetensors in the chosen dtype, config.json, generation_config.json, the
// tokenizer files, studio.json and a README model card, all in one folder of that name), or the
// same files written straight into a folder where the browser can (File System Access API).
// The model card can be read before exporting (in a dialog); the logit-scale caveat is said where it applies.
import { useRef, useState } from 'react';
import type { CheckpointManifest } from '../../core/checkpoint/manifest';
import { EXPORT_DTYPES, type ExportDtype } from '../../core/checkpoint/hfExport';
import { bundleFolder } from '../../core/checkpoint/exportBundle';
import { downloadBlob } from '../shared/download';
import { ErrorText } from '../shared/ErrorText';
import { formatBytes } from '../shared/format';
import { useReport } from '../shared/report';
import { canSaveFolder, saveToFolder } from '../shared/saveFolder';
import { useStudioApi } from '../shared/studioContext';

export function CheckpointExport({ manifest: m }: { manifest: CheckpointManifest }) {
  const studio = useStudioApi();
  const [dtype, setDtype] = useState<ExportDtype>('F32');
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<string>();
  const [card, setCard] = useState<string>();
  const { error, run: attempt, near } = useReport();
  const folder = bundleFolder(m.name);

  const exporting = async (job: () => Promise<string>) => {
    setBusy(true);
    setStatus(undefined);
    const done = await attempt(job);
    setBusy(false);
    if (done) setStatus(done);
  };
  const zip = () => exporting(async () => {
    const a = await studio.exportCheckpointArchive(m.id, { dtype });
    downloadBlob(a.name, new Blob([a.bytes as Uint8Array<ArrayBuffer>], { type: 'application/zip' }));
    return `Saved ${a.name} (${formatBytes(a.bytes.length)}): unzip it and give ${a.folder}/ to from_pretrained.`;
  });
  const toFolder = () => exporting(async () => `Wrote the files into ${await saveToFolder(folder, () => studio.exportCheckpoint(m.id, { dtype }))}/.`);
  // The card reads in a dialog of its own: the checkpoint column is too narrow for a README.
  const dialog = useRef<HTMLDialogElement>(null);
  const showCard = async () => {
    dialog.current?.showModal();
    if (card === undefined) setCard(await attempt(() => studio.modelCard(m.id, { dtype })));
  };

  return (
    <div className="checkpoint-export" data-testid="checkpoint-export">
      <div className="export-actions" ref={near}>
        <label className="export-dtype">weights
          <select value={dtype} onChange={(e) => { setDtype(e.target.value as ExportDtype); setCard(undefined); }} data-testid="export-dtype">
            {EXPORT_DTYPES.map((d) => <option key={d} value={d}>{d}</option>)}
          </select>
        </label>
        <button onClick={() => void zip()} disabled={busy} data-testid="export-run" title={`${folder}.zip: model.safetensors, config.json, generation_config.json, tokenizer.json, tokenizer_config.json, studio.json, README.md in ${folder}/`}>
          Export {folder}.zip
        </button>
        {canSaveFolder() && (
          <button onClick={() => void toFolder()} disabled={busy} data-testid="export-folder" title={`Writes ${folder}/ with the same files into a folder you choose`}>
            Save to folder…
          </button>
        )}
      </div>
      {status && <p className="muted small-text" role="status" data-testid="export-status">{status}</p>}
      {error && <ErrorText message={error} testId="export-error" />}
      {m.config.logit_scale !== 1 && <p className="muted small-text" data-testid="export-logit-fold">logit_scale {m.config.logit_scale} is folded into model.norm.weight (its entries × {m.config.logit_scale}): the same logits exactly, so the files load in transformers as an ordinary Llama with no extra field.</p>}
      <button className="link" onClick={() => void showCard()} data-testid="export-card">Model card (README.md)…</button>
      <dialog ref={dialog} className="model-card-dialog" aria-labelledby={`card-${m.id}`} data-testid="export-card-dialog">
        <div className="model-card-head">
          <h3 id={`card-${m.id}`}>README.md of {folder}.zip</h3>
          <button onClick={() => dialog.current?.close()} data-testid="export-card-close">Close</button>
        </div>
        {card === undefined ? <p className="muted small-text">Reading…</p> : <pre className="model-card-text" data-testid="export-card-text">{card}</pre>}
      </dialog>
    </div>
  );
}
