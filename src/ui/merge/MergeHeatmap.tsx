// The merged model next to its experts, language by language (minimal-pair accuracy, coloured as
// in the Evaluate panel), with a last row for what the merge kept: merged minus the best expert.
import { accuracyMatrix, type EvaluationResult } from '../../core/eval/report';
import { heatColor } from '../shared/Heatmap';

export function MergeHeatmap({ result, mergedId }: { result: EvaluationResult; mergedId: string }) {
  const { languages, cells } = accuracyMatrix(result);
  const experts = result.checkpoints.filter((c) => c.id !== mergedId);
  const delta = (lang: string) => {
    const merged = cells[mergedId]?.[lang];
    const best = Math.max(...experts.map((c) => cells[c.id]?.[lang] ?? -Infinity));
    return merged === undefined || !Number.isFinite(best) ? undefined : merged - best;
  };
  return (
    <div className="heatmap merge-heatmap" data-testid="merge-heatmap" style={{ gridTemplateColumns: `minmax(90px, max-content) repeat(${languages.length}, minmax(52px, 80px))` }}>
      <div />
      {languages.map((l) => <div key={l} className="heat-head">{l}</div>)}
      {result.checkpoints.map((c) => [
        <div key={c.id} className="heat-row" title={c.id}>{c.id === mergedId ? <b>{c.name}</b> : c.name}</div>,
        ...languages.map((l) => {
          const v = cells[c.id]?.[l];
          if (v === undefined) return <div key={`${c.id}-${l}`} className="heat-cell empty">—</div>;
          return (
            <div key={`${c.id}-${l}`} className="heat-cell" data-testid="merge-heat-cell" data-checkpoint={c.id} data-language={l} data-value={v.toFixed(4)} style={{ background: heatColor(v) }}>
              {(100 * v).toFixed(1)}
            </div>
          );
        }),
      ])}
      <div className="heat-row muted" title="merged accuracy minus the best expert's, in points">merged − best expert</div>
      {languages.map((l) => {
        const d = delta(l);
        return (
          <div key={`delta-${l}`} className={`heat-delta num${d !== undefined && d < 0 ? ' worse' : ''}`} data-testid="merge-heat-delta" data-language={l}>
            {d === undefined ? '—' : `${d >= 0 ? '+' : ''}${(100 * d).toFixed(1)}`}
          </div>
        );
      })}
    </div>
  );
}
