// The experts to merge: a checkbox row per checkpoint (the base is left out), with the method's
// per-model parameters under each checked one, and for Fisher averaging which experts already
// have a stored Fisher estimate (computed once per expert on its own training corpus).
import type { CheckpointManifest } from '../../core/checkpoint/manifest';
import type { ParamValues } from '../../core/params';
import { trainingCorpusOf } from '../../state/growth';
import type { MergeMethodInfo } from '../../state/merge';
import { useStudio } from '../../state/store';
import type { MergeExpertDraft } from './MergeDraft';
import { ParamForm } from '../shared/ParamForm';

interface Props {
  method: MergeMethodInfo;
  base: string;
  experts: MergeExpertDraft[];
  onToggle: (id: string, on: boolean) => void;
  onParams: (id: string, params: ParamValues) => void;
}

export function MergeExperts({ method, base, experts, onToggle, onParams }: Props) {
  const checkpoints = useStudio((s) => s.checkpoints);
  const candidates = checkpoints.filter((c) => c.id !== base);
  return (
    <div className="merge-experts">
      <h3>Experts <span className="muted">({experts.length} checked)</span></h3>
      {method.id === 'fisher' && (
        <p className="muted small-text" data-testid="merge-fisher-note">
          Fisher averaging weighs each parameter by each expert's diagonal Fisher information, estimated on the expert's own training corpus.
          It is computed once per expert (and per sample count and label kind) and stored with the checkpoint, so later merges reuse it.
        </p>
      )}
      {candidates.length === 0 && <p className="muted">No checkpoints to merge yet.</p>}
      <ul className="rows merge-expert-list">
        {candidates.map((c) => {
          const draft = experts.find((e) => e.id === c.id);
          return (
            <li key={c.id} className="row merge-expert-row">
              <label className="check-line">
                <input type="checkbox" data-testid="merge-expert" data-id={c.id} checked={!!draft} onChange={(e) => onToggle(c.id, e.target.checked)} />
                <span className="name">{c.name}</span>
                {draft && method.expertCount ? <span className="tag">#{experts.indexOf(draft) + 1}</span> : null}
                <CorpusTag manifest={c} all={checkpoints} />
                {method.id === 'fisher' && <FisherTag manifest={c} />}
              </label>
              {draft && method.modelParams.length > 0 && (
                <div className="merge-expert-params" data-testid="merge-expert-params" data-id={c.id}>
                  <ParamForm specs={method.modelParams} values={draft.params} onChange={(v) => onParams(c.id, v)} />
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function CorpusTag({ manifest, all }: { manifest: CheckpointManifest; all: CheckpointManifest[] }) {
  const corpus = trainingCorpusOf(manifest, all, '');
  return corpus ? <span className="tag" title="main training corpus (a Fisher estimate is computed on it)">{corpus}</span> : null;
}

function FisherTag({ manifest: m }: { manifest: CheckpointManifest }) {
  const stored = m.fisher ?? [];
  if (stored.length === 0) return <span className="muted small-text" data-testid="merge-fisher-missing" data-id={m.id}>Fisher computed on first merge</span>;
  const text = stored.map((f) => `${f.labels}, ${f.samples} samples, ${f.corpus}`).join('; ');
  return <span className="tag fisher" data-testid="merge-fisher-have" data-id={m.id} title={text}>Fisher stored ({stored.length})</span>;
}
