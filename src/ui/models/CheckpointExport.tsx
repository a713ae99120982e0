// Export of a checkpoint as Hugging Face files (model.safetensors in the chosen dtype,
// config.json, tokenizer files, studio.json), downloaded one by one, with the logit-scale caveat.
import { useState } from 'react';
import type { CheckpointManifest } from '../../core/checkpoint/manifest';
import { EXPORT_DTYPES, type ExportDtype } from '../../core/checkpoint/hfExport';
import { downloadBlob } from '../shared/download';
import { report } from '../shared/report';
import { useStudioApi } from '../shared/studioContext';

export function CheckpointExport({ manifest: m }: { manifest: CheckpointManifest }) {
  const studio = useStudioApi();
  const [dtype, setDtype] = useState<ExportDtype>('F32');
  const run = async () => {
    const files = await report(studio.exportCheckpoint(m.id, { dtype }));
    for (const f of files ?? []) downloadBlob(`${m.name.replace(/[^\w.-]+/g, '_')}-${f.name}`, new Blob([f.bytes as Uint8Array<ArrayBuffer>]));
  };
  return (
    <div className="row" data-testid="checkpoint-export">
      <select value={dtype} onChange={(e) => setDtype(e.target.value as ExportDtype)} data-testid="export-dtype">
        {EXPORT_DTYPES.map((d) => <option key={d} value={d}>{d}</option>)}
      </select>
      <button onClick={() => void run()} data-testid="export-run">Export safetensors + config.json</button>
      {m.config.logit_scale !== 1 && <span className="muted small-text" data-testid="export-logit-fold">logit_scale {m.config.logit_scale} is folded into model.norm.weight (its entries × {m.config.logit_scale}): the same logits exactly, so the files load in transformers as an ordinary Llama with no extra field.</span>}
    </div>
  );
}
