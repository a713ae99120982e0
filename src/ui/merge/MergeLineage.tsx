// Where a merged checkpoint came from: the method, the base, each expert with its parameters and
// the global parameters, as the merge record stored them (names looked up, ids when deleted).
import type { MergeRecord } from '../../core/checkpoint/manifest';
import { useStudio } from '../../state/store';
import { settingsText } from '../../core/merge/settings';

export function MergeLineage({ merge: r }: { merge: MergeRecord }) {
  const names = useStudio((s) => s.checkpoints);
  const nameOf = (id: string) => names.find((c) => c.id === id)?.name ?? id;
  return (
    <dl className="kv merge-lineage" data-testid="merge-lineage">
      <div><dt>method</dt><dd>{r.method}</dd></div>
      <div><dt>base</dt><dd data-testid="merge-lineage-base">{r.base ? nameOf(r.base) : 'none'}</dd></div>
      {r.models.map((m, i) => (
        <div key={m.id} data-testid="merge-lineage-expert" data-id={m.id}><dt>expert {i + 1}: {nameOf(m.id)}</dt><dd>{settingsText(m.params)}</dd></div>
      ))}
      {r.dtype && r.dtype !== 'float32' && <div><dt>dtype</dt><dd data-testid="merge-lineage-dtype">{r.dtype} (inputs and result rounded to it)</dd></div>}
      <div><dt>global</dt><dd>{settingsText(r.global)}</dd></div>
    </dl>
  );
}
