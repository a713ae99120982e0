// A checkpoint's config fields, how it is stored (dtype, bytes, the rounding measured on save), the tensors training may change, and where it came from: for a
// trained one what its run did, for a grown one its growth record.
import { describeTokenizer } from '../../core/tokenizer/tokenizer';
import type { CheckpointManifest } from '../../core/checkpoint/manifest';
import { weightSpecs } from '../../core/model/weights';
import { formatCount, formatLoss, formatMB } from '../shared/format';
import { GrowthDetails } from '../grow/GrowthDetails';
import { MergeDetails } from '../merge/MergeDetails';
import { CheckpointExport } from './CheckpointExport';
import { describeStoragePrecision, storedDtype } from '../../core/checkpoint/storageDtype';
import { checkpointBytes } from '../../core/checkpoint/storageCost';

export function CheckpointDetails({ manifest: m }: { manifest: CheckpointManifest }) {
  const t = m.training;
  const lastLoss = t ? [...t.metrics].reverse().find((p) => p.loss !== null)?.loss : undefined;
  return (
    <div className="details" data-testid="checkpoint-details-body" onClick={(e) => e.stopPropagation()}>
      <dl className="kv">
        {Object.entries(m.config).map(([k, v]) => (
          <div key={k}><dt>{k}</dt><dd>{String(v)}</dd></div>
        ))}
        <div><dt>id</dt><dd className="mono">{m.id}</dd></div>
        <div><dt>tokenizer</dt><dd>{describeTokenizer(m.tokenizer)}</dd></div>
        {m.origin.method === 'import' && <div data-testid="checkpoint-import"><dt>imported</dt><dd>{(m.origin.params.files as string[]).join(', ')} ({(m.origin.params.dtypes as string[]).join('/')}){(m.origin.params.notes as string[]).map((n) => <div key={n} className="muted small-text">{n}</div>)}</dd></div>}
        <div data-testid="checkpoint-storage" data-dtype={storedDtype(m)}><dt>storage</dt><dd>{storedDtype(m)}, {formatMB(m.bytes)}{storedDtype(m) !== 'F32' && <span className="muted"> (≈ {formatMB(checkpointBytes(m.config, 'F32'))} as F32)</span>}</dd></div>
        {m.trainable && <div data-testid="checkpoint-trainable"><dt>trainable</dt><dd>trains {m.trainable.length} of {weightSpecs(m.config).length} tensors</dd></div>}
      </dl>
      <p className="muted small-text storage-words" data-testid="checkpoint-storage-words">{describeStoragePrecision(m.storage)}</p>
      {t && (
        <dl className="kv training">
          <div><dt>steps</dt><dd>{t.steps}</dd></div>
          <div><dt>tokens</dt><dd>{formatCount(t.tokens)}</dd></div>
          <div><dt>final loss</dt><dd>{formatLoss(lastLoss)}</dd></div>
          <div><dt>status</dt><dd>{t.status}</dd></div>
          <div><dt>data</dt><dd>{t.settings.data.map((d) => `${d.corpus}×${d.weight}`).join(', ')}</dd></div>
          <div><dt>lr · batch · seq</dt><dd>{t.settings.lr} · {t.settings.batchSize} · {t.settings.seqLen}</dd></div>
        </dl>
      )}
      {m.growth && <GrowthDetails growth={m.growth} />}
      {m.merge && <MergeDetails merge={m.merge} />}
      <CheckpointExport manifest={m} />
    </div>
  );
}
