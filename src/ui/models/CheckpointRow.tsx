// One checkpoint in the Models list: a button with its name, size and parameter count that makes
// it the Train panel's starting point (double-click renames inline); lineage and age; and a
// details expander holding the rename, a two-step delete, the config and the export. Two tab
// stops per row at most, and only in the list's active row (ModelsPanel's roving focus).
import { useState } from 'react';
import type { CheckpointManifest } from '../../core/checkpoint/manifest';
import { useStudio } from '../../state/store';
import { CheckpointDetails } from './CheckpointDetails';
import { formatCount, formatMB, formatTime } from '../shared/format';
import { report } from '../shared/report';
import { useStudioApi } from '../shared/studioContext';
import { selectFrom, useUi } from '../shared/uiState';

export function CheckpointRow({ manifest: m, tabbable, onFocus }: { manifest: CheckpointManifest; tabbable: boolean; onFocus: () => void }) {
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [draft, setDraft] = useState<string>();
  const selected = useUi((s) => s.fromId === m.id);
  const parents = useStudio((s) => m.parents.map((p) => s.checkpoints.find((c) => c.id === p)?.name ?? p).join(' + '));
  const studio = useStudioApi();
  const tabIndex = tabbable ? 0 : -1;
  return (
    <li className={`row checkpoint${selected ? ' selected' : ''}`} data-testid="checkpoint-row" data-id={m.id} onClick={() => selectFrom(m.id)} onFocus={onFocus}>
      {draft === undefined ? (
        <button
          className="row-main row-pick"
          data-roving={m.id}
          tabIndex={tabIndex}
          aria-pressed={selected}
          title={`${m.id}: start training from this checkpoint; double-click to rename`}
          onDoubleClick={() => setDraft(m.name)}
        >
          <span className="name">{m.name}</span>
          <span className="num" title={`${m.parameterCount} parameters`}>{formatCount(m.parameterCount)}</span>
          <span className="num">{formatMB(m.bytes)}</span>
        </button>
      ) : (
        <div className="row-main"><NameInput manifest={m} draft={draft} setDraft={setDraft} /></div>
      )}
      <div className="row-sub muted">
        <span title="parent">↳ {parents || '—'}</span>
        <span className="tag">{m.origin.method}</span>
        <span>{formatTime(m.createdAt)}</span>
        <span className="row-actions" onClick={(e) => e.stopPropagation()}>
          <button className="link" data-testid="checkpoint-details" tabIndex={tabIndex} aria-expanded={open} aria-label={`details of ${m.name}`} onClick={() => setOpen(!open)}>{open ? 'hide' : 'details'}</button>
        </span>
      </div>
      {open && (
        <>
          <div className="actions checkpoint-actions" onClick={(e) => e.stopPropagation()}>
            <button className="small" data-testid="checkpoint-rename" onClick={() => setDraft(m.name)}>Rename</button>
            {confirming ? (
              <>
                <button className="small danger" data-testid="checkpoint-delete-confirm" onClick={() => void report(studio.checkpoints.delete(m.id))}>Delete for good</button>
                <button className="small" onClick={() => setConfirming(false)}>Keep</button>
              </>
            ) : (
              <button className="small" data-testid="checkpoint-delete" onClick={() => setConfirming(true)}>Delete…</button>
            )}
          </div>
          <CheckpointDetails manifest={m} />
        </>
      )}
    </li>
  );
}

/** The rename field: Enter or leaving the field saves, Escape cancels. */
function NameInput({ manifest: m, draft, setDraft }: { manifest: CheckpointManifest; draft: string; setDraft: (d: string | undefined) => void }) {
  const studio = useStudioApi();
  const save = () => {
    const name = draft.trim();
    setDraft(undefined);
    if (name && name !== m.name) void report(studio.checkpoints.rename(m.id, name));
  };
  return (
    <input
      className="name-input"
      data-testid="checkpoint-rename-input"
      aria-label={`new name for ${m.name}`}
      autoFocus
      value={draft}
      onClick={(e) => e.stopPropagation()}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={save}
      onKeyDown={(e) => (e.key === 'Enter' ? e.currentTarget.blur() : e.key === 'Escape' ? setDraft(undefined) : undefined)}
    />
  );
}
