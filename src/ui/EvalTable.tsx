// One evaluation as a table: a row per checkpoint, a column per suite (macro accuracy over its
// paradigms in percent, with the pair count), then validation loss and perplexity per language.
import type { EvaluationResult } from '../core/eval/report';
import { formatLoss } from './format';

export function EvalTable({ result }: { result: EvaluationResult }) {
  const languages = [...new Set(result.validation.map((v) => v.language))];
  const cell = (checkpoint: string, suite: string) => result.rows.find((r) => r.checkpoint === checkpoint && r.suite === suite);
  const valid = (checkpoint: string, language: string) => result.validation.find((v) => v.checkpoint === checkpoint && v.language === language);
  const corpus = (language: string) => result.validation.find((v) => v.language === language)?.corpus;
  return (
    <div className="eval-table-wrap">
      <table className="compare eval-table" data-testid="eval-table">
        <caption className="muted small-text">accuracy: % of minimal pairs where the grammatical sentence scores higher, averaged over paradigms (chance 50 %)</caption>
        <thead>
          <tr>
            <th>checkpoint</th>
            {result.suites.map((s) => (
              <th key={s.id} title={`${s.id} — ${s.description}`}>
                {s.name} <span className="tag">{s.language}</span>{s.proxy && <span className="tag proxy">proxy</span>}
              </th>
            ))}
            {languages.map((l) => [
              <th key={`loss-${l}`} title={`validation loss on ${corpus(l)}`}>loss <span className="tag">{l}</span></th>,
              <th key={`ppl-${l}`} title={`perplexity on ${corpus(l)}`}>ppl <span className="tag">{l}</span></th>,
            ])}
          </tr>
        </thead>
        <tbody>
          {result.checkpoints.map((c) => (
            <tr key={c.id}>
              <th title={c.id}>{c.name}</th>
              {result.suites.map((s) => {
                const r = cell(c.id, s.id);
                return (
                  <td key={s.id} data-testid="eval-cell" data-checkpoint={c.id} data-suite={s.id} title={r ? `${(100 * r.pairAccuracy).toFixed(1)} % of all pairs` : undefined}>
                    {r && Number.isFinite(r.accuracy) ? (100 * r.accuracy).toFixed(1) : '—'}
                    {r && <span className="muted pairs" title="pairs"> n={r.pairs}</span>}
                  </td>
                );
              })}
              {languages.map((l) => {
                const v = valid(c.id, l);
                return [
                  <td key={`loss-${l}`} data-testid="eval-loss" data-checkpoint={c.id} data-language={l}>{formatLoss(v?.loss)}</td>,
                  <td key={`ppl-${l}`}>{v && Number.isFinite(v.perplexity) ? v.perplexity.toFixed(1) : '—'}</td>,
                ];
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
