// The shape a growth gives: the parent's config and statistics beside the grown model's, with
// the factor for every row that changes.
import type { LlamaConfig } from '../../core/model/config';
import { headDim } from '../../core/model/config';
import type { GrowthPreview } from '../../state/growth';
import type { ModelStats } from '../../core/growth/grow';
import { formatCount, formatFlops } from '../shared/format';

interface Row {
  label: string;
  get: (c: LlamaConfig, s: ModelStats) => number;
  show?: (x: number) => string;
}

const ROWS: Row[] = [
  { label: 'hidden_size', get: (c) => c.hidden_size },
  { label: 'intermediate_size', get: (c) => c.intermediate_size },
  { label: 'num_hidden_layers', get: (c) => c.num_hidden_layers },
  { label: 'num_attention_heads', get: (c) => c.num_attention_heads },
  { label: 'num_key_value_heads', get: (c) => c.num_key_value_heads },
  { label: 'head size', get: (c) => headDim(c) },
  { label: 'logit_scale', get: (c) => c.logit_scale, show: (x) => String(+x.toPrecision(6)) },
  { label: 'parameters', get: (_, s) => s.parameters.total, show: formatCount },
  { label: '  embedding', get: (_, s) => s.parameters.embedding, show: formatCount },
  { label: '  non-embedding', get: (_, s) => s.parameters.nonEmbedding, show: formatCount },
  { label: 'training FLOPs / token', get: (_, s) => s.flopsPerToken, show: formatFlops },
];

export function GrowPreviewTable({ parent, preview, stale }: { parent: LlamaConfig; preview: GrowthPreview; stale: boolean }) {
  return (
    <table className={`compare${stale ? ' stale' : ''}`} data-testid="grow-preview">
      <caption className="muted small-text">FLOPs at seq {preview.after.seqLen} (max_position_embeddings)</caption>
      <thead>
        <tr><td /><th>before</th><td /><th>after</th><th>×</th></tr>
      </thead>
      <tbody>
        {ROWS.map((r) => {
          const a = r.get(parent, preview.before);
          const b = r.get(preview.config, preview.after);
          const show = r.show ?? String;
          return (
            <tr key={r.label} className={a === b ? undefined : 'changed'}>
              <th className={r.label.startsWith(' ') ? 'sub' : undefined}>{r.label.trim()}</th>
              <td title={String(a)}>{show(a)}</td>
              <td className="muted">→</td>
              <td title={String(b)}>{show(b)}</td>
              <td className="muted">{a === b || a === 0 ? '' : `${+(b / a).toFixed(2)}`}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
