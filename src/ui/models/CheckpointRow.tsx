// One checkpoint in the Models list: name (renamed inline), size, lineage and age; a two-step
// delete; and a details expander.
import { useState } from 'react';
import type { CheckpointManifest } from '../../core/checkpoint/manifest';
import { useStudio } from '../../state/store';
import { CheckpointDetails } from './CheckpointDetails';
import { formatCount, formatMB, formatTime } from '../shared/format';
import { report } from '../shared/report';
import { useStudioApi } from '../shared/studioContext';
import { selectFrom, useUi } from '../shared/uiState';

export function CheckpointRow({ manifest: m }: { manifest: CheckpointManifest }) {
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [draft, setDraft] = useState<string>();
  const selected = useUi((s) => s.fromId === m.id);
  const parents = useStudio((s) => m.parents.map((p) => s.checkpoints.find((c) => c.id === p)?.name ?? p).join(' + '));
  const studio = useStudioApi();
  return (
    <li className={`row checkpoint${selected ? ' selected' : ''}`} data-testid="checkpoint-row" data-id={m.id} onClick={() => selectFrom(m.id)}>
      <div className="row-main">
        <Name manifest={m} draft={draft} setDraft={setDraft} />
        <span className="num" title={`${m.parameterCount} parameters`}>{formatCount(m.parameterCount)}</span>
        <span className="num">{formatMB(m.bytes)}</span>
      </div>
      <div className="row-sub muted">
        <span title="parent">↳ {parents || '—'}</span>
        <span className="tag">{m.origin.method}</span>
        <span>{formatTime(m.createdAt)}</span>
        <span className="row-actions" onClick={(e) => e.stopPropagation()}>
          <button className="link" data-testid="checkpoint-rename" onClick={() => setDraft(m.name)}>rename</button>
          <button className="link" data-testid="checkpoint-details" onClick={() => setOpen(!open)}>{open ? 'hide' : 'details'}</button>
          {confirming ? (
            <>
              <button className="link danger" data-testid="checkpoint-delete-confirm" onClick={() => void report(studio.checkpoints.delete(m.id))}>delete for good</button>
              <button className="link" onClick={() => setConfirming(false)}>keep</button>
            </>
          ) : (
            <button className="link" data-testid="checkpoint-delete" onClick={() => setConfirming(true)}>delete</button>
          )}
        </span>
      </div>
      {open && <CheckpointDetails manifest={m} />}
    </li>
  );
}

/** The name, or an input while renaming (Enter or leaving the field saves, Escape cancels). */
function Name({ manifest: m, draft, setDraft }: { manifest: CheckpointManifest; draft?: string; setDraft: (d: string | undefined) => void }) {
  const studio = useStudioApi();
  if (draft === undefined) {
    return <span className="name" title={`${m.id} — double-click to rename`} onDoubleClick={() => setDraft(m.name)}>{m.name}</span>;
  }
  const save = () => {
    const name = draft.trim();
    setDraft(undefined);
    if (name && name !== m.name) void report(studio.checkpoints.rename(m.id, name));
  };
  return (
    <input
      className="name-input"
      data-testid="checkpoint-rename-input"
      autoFocus
      value={draft}
      onClick={(e) => e.stopPropagation()}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={save}
      onKeyDown={(e) => (e.key === 'Enter' ? e.currentTarget.blur() : e.key === 'Escape' ? setDraft(undefined) : undefined)}
    />
  );
}
