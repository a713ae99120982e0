// One evaluation as a table: a row per checkpoint, a column per suite (the accuracy lm-eval
// reports for the suite's rule, in percent, with its 95 % interval and pair count; every other
// number in the tooltip), then validation loss and perplexity per language.
import { describeRow, type EvaluationResult, headlineOf, ruleLabel } from '../../core/eval/report';
import { formatLoss } from '../shared/format';

const pct = (x: number) => (100 * x).toFixed(1);

export function EvalTable({ result }: { result: EvaluationResult }) {
  const languages = [...new Set(result.validation.map((v) => v.language))];
  const cell = (checkpoint: string, suite: string) => result.rows.find((r) => r.checkpoint === checkpoint && r.suite === suite);
  const valid = (checkpoint: string, language: string) => result.validation.find((v) => v.checkpoint === checkpoint && v.language === language);
  const corpus = (language: string) => result.validation.find((v) => v.language === language)?.corpus;
  const ruleOf = (suite: string) => result.rows.find((r) => r.suite === suite);
  const name = new Map(result.checkpoints.map((c) => [c.id, c.name]));
  const suiteName = new Map(result.suites.map((s) => [s.id, s.name]));
  const windowed = result.rows.filter((r) => (r.windowedPairs ?? 0) > 0);
  return (
    <div className="eval-table-wrap">
      <table className="compare eval-table" data-testid="eval-table">
        <caption className="muted small-text">
          % of pairs where the grammatical sentence scores at least as high (a tie is correct, as in lm-eval), [95 % interval], pair count; chance 50 %.
          lm-eval blimp: " " + sentence after BOS, mean over paradigms. lm-eval multiblimp: sentence alone, over all pairs. Hover for every number.
        </caption>
        <thead>
          <tr>
            <th>checkpoint</th>
            {result.suites.map((s) => {
              const r = ruleOf(s.id);
              return (
                <th key={s.id} title={`${s.id} — ${s.description}`}>
                  {s.name} <span className="tag">{s.language}</span>{s.proxy && <span className="tag proxy">proxy</span>}
                  {r && <span className="tag" style={{ whiteSpace: 'nowrap' }} data-testid="eval-rule" data-suite={s.id} title={r.headline === 'pairs' ? 'reported: accuracy over all pairs' : 'reported: mean over paradigms'}>{ruleLabel(r)}</span>}
                </th>
              );
            })}
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
                const e = r && headlineOf(r);
                return (
                  <td key={s.id} data-testid="eval-cell" data-checkpoint={c.id} data-suite={s.id} title={r ? describeRow(r) : undefined}>
                    {r && Number.isFinite(r.accuracy) ? pct(r.accuracy) : '—'}
                    {e && Number.isFinite(e.lo) && <span className="muted pairs" data-testid="eval-ci"> [{pct(e.lo)}, {pct(e.hi)}]</span>}
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
      {windowed.length > 0 && (
        <p className="warn-text small-text" data-testid="eval-windowed">
          Longer than the model's positions (max_position_embeddings), so scored in sliding windows of that many tokens, each token seeing at least half of them (ours: lm-eval would truncate):{' '}
          {windowed.map((r) => `${name.get(r.checkpoint) ?? r.checkpoint} on ${suiteName.get(r.suite) ?? r.suite}: ${r.windowedPairs} of ${r.pairs} pairs (${r.positions} positions)`).join('; ')}.
        </p>
      )}
    </div>
  );
}
