// What the chosen merge method does: its description and paper, an "our formulation" tag for
// methods that are the studio's own, whether it uses a base model, and a note when mergekit has
// no equivalent (such merges cannot be exported as mergekit YAML).
import type { MergeMethodInfo as Method } from '../../state/merge';

const BASE_TEXT: Record<Method['base'], string> = {
  required: 'Needs a base: the model the experts were trained from (their task vectors are measured from it).',
  optional: 'A base is optional: with one, the method works on task vectors.',
  none: 'Uses no base model.',
};

export function MergeMethodInfo({ method: m }: { method: Method }) {
  return (
    <div className="merge-method-info small-text" data-testid="merge-method-info">
      <p className="muted">
        {m.ours && <span className="tag ours" data-testid="merge-ours" title="not from a paper: the studio's own rule">our formulation</span>} {m.description}{' '}
        <a href={m.paper.url} target="_blank" rel="noreferrer" data-testid="merge-paper">{m.paper.title}</a>
      </p>
      <p className="muted">
        {BASE_TEXT[m.base]}
        {m.expertCount ? ` Exactly ${m.expertCount} expert${m.expertCount === 1 ? '' : 's'}${m.expertCount > 1 ? ', in the order checked' : ''}.` : ''}
        {m.mergekitName ? <> mergekit: <span className="mono">{m.mergekitName}</span>.</> : null}
      </p>
      {!m.mergekitName && (
        <p className="warn-text" data-testid="merge-no-mergekit">
          mergekit has no equivalent of {m.label}: the merge runs here, but it cannot be exported as mergekit YAML.
        </p>
      )}
    </div>
  );
}
