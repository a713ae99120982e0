// The report's tables: gains at equal FLOPs, the models × languages validation-loss heatmap (lower
// is better, coloured as the Evaluate heatmap with green for the lowest loss), the merges next to
// their experts, and the paper's findings with this run's verdicts.
import { extent } from '../../core/numeric/extent';
import { formatFlops } from '../shared/format';
import { formatP, formatPoints } from '../../core/eval/report';
import { type ExperimentReport, formatAccuracyDifference, type ReportModel } from '../../core/experiment/report';
import { modelLabel } from '../../core/experiment/reportHtml';
import { heatColor } from '../shared/Heatmap';

const f3 = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(3));
const signed = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(3)}`;
const pct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : `${(100 * v).toFixed(1)} %`);

export function GainsTable({ report: r }: { report: ExperimentReport }) {
  return (
    <table className="compare report-table" data-testid="report-gains-table">
      <caption className="muted small-text">each run read at the FLOPs every scale of its language reached, against its own step 0: target drop &gt; 0 = learnt, English rise &gt; 0 = forgot</caption>
      <thead>
        <tr><th>language</th><th>scale</th><th>FLOPs</th><th>target drop</th><th>English rise</th></tr>
      </thead>
      <tbody>
        {r.gains.map((g) => (
          <tr key={`${g.language}-${g.scale}`} data-testid="gain-row" data-language={g.language} data-scale={g.scale}>
            <th>{g.language}</th>
            <td>x{g.scale}</td>
            <td>{formatFlops(g.flops)}</td>
            <td title={`${f3(g.targetStart)} → ${f3(g.target)}`}>{signed(g.targetDrop)}</td>
            <td title={`${f3(g.englishStart)} → ${f3(g.english)}`}>{signed(g.englishRise)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Models with any score, in plan order: the base, grown models, experts, then the merges. */
export const scoredModels = (r: ExperimentReport): ReportModel[] => r.models.filter((m) => Object.keys(m.scores).length > 0);

/** Loss → colour: the lowest loss in the grid green, the highest red (heatColor's 100 % and 50 %). */
function lossColor(v: number, min: number, max: number): string {
  return heatColor(max > min ? 0.5 + (0.5 * (max - v)) / (max - min) : 1);
}

export function LossHeatmap({ report: r }: { report: ExperimentReport }) {
  const rows = scoredModels(r);
  const values = rows.flatMap((m) => r.languages.map((l) => m.scores[l]?.loss)).filter((v): v is number => v !== undefined && Number.isFinite(v));
  const [min, max] = extent(values);
  return (
    <div className="heatmap-box">
      <h3>Validation loss by language <span className="muted">(nats per token, lower is better)</span></h3>
      <div className="heatmap" data-testid="report-heatmap" style={{ gridTemplateColumns: `minmax(90px, max-content) repeat(${r.languages.length}, minmax(52px, 80px))` }}>
        <div />
        {r.languages.map((l) => <div key={l} className="heat-head">{l}</div>)}
        {rows.map((m) => [
          <div key={m.stageId} className="heat-row" title={m.name}>{m.kind === 'merge' ? <b>{modelLabel(m)}</b> : modelLabel(m)}</div>,
          ...r.languages.map((l) => {
            const v = m.scores[l]?.loss;
            return v === undefined || !Number.isFinite(v) ? (
              <div key={`${m.stageId}-${l}`} className="heat-cell empty">—</div>
            ) : (
              <div key={`${m.stageId}-${l}`} className="heat-cell" data-testid="report-heat-cell" data-stage={m.stageId} data-language={l} data-value={v.toFixed(4)} style={{ background: lossColor(v, min, max) }} title={`${m.name}, ${l}: ${v.toFixed(4)}`}>
                {v.toFixed(3)}
              </div>
            );
          }),
        ])}
      </div>
      <div className="heat-legend muted small-text">
        <span>{f3(min)} (lowest)</span>
        <div className="heat-scale" style={{ background: `linear-gradient(to right, ${heatColor(1)}, ${heatColor(0.75)}, ${heatColor(0.5)})` }} />
        <span>{f3(max)} (highest)</span>
      </div>
    </div>
  );
}

export function MergeTable({ report: r }: { report: ExperimentReport }) {
  return (
    <table className="compare report-table" data-testid="report-merge-table">
      <caption className="muted small-text">each merge on each language of its subset, next to the expert of that language and scale (loss in nats per token, accuracy on minimal pairs; Δ: merge minus expert on the same pairs in points [95 % interval], p: McNemar's exact test (pairs))</caption>
      <thead>
        <tr><th>method</th><th>subset</th><th>scale</th><th>language</th><th>loss</th><th>expert loss</th><th>accuracy</th><th>expert accuracy</th><th title="merge minus expert accuracy on the same minimal pairs, in points, with its 95 % interval">Δ accuracy</th><th title="McNemar's exact test on the same pairs (pair count)">p</th></tr>
      </thead>
      <tbody>
        {r.mergeTable.map((m) => (
          <tr key={`${m.stageId}-${m.language}`} data-testid="merge-row" data-stage={m.stageId} data-language={m.language}>
            <th>{m.method}</th>
            <td>{m.subset.join('+')}</td>
            <td>x{m.scale}</td>
            <td>{m.language}</td>
            <td className={m.expertLoss !== undefined && m.loss > m.expertLoss ? 'worse' : undefined}>{f3(m.loss)}</td>
            <td>{f3(m.expertLoss)}</td>
            <td>{pct(m.accuracy)}</td>
            <td>{pct(m.expertAccuracy)}</td>
            <td data-testid="merge-accuracy-difference" title={formatAccuracyDifference(m.accuracyDifference)} className={m.accuracyDifference?.significant ? (m.accuracyDifference.difference < 0 ? 'worse' : undefined) : 'muted'}>
              {m.accuracyDifference ? `${formatPoints(m.accuracyDifference.difference)} [${formatPoints(m.accuracyDifference.lo)}, ${formatPoints(m.accuracyDifference.hi)}]` : '—'}
            </td>
            <td className="muted">{m.accuracyDifference ? `${formatP(m.accuracyDifference.p)} (${m.accuracyDifference.pairs})` : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const VERDICTS = { yes: 'supported', no: 'not supported', inconclusive: 'inconclusive' } as const;

export function Findings({ report: r }: { report: ExperimentReport }) {
  return (
    <>
      <ul className="findings">
        {r.findings.map((f) => (
          <li key={f.id} className="finding" data-testid="finding" data-id={f.id} data-supported={f.supported}>
            <div className="finding-head">
              <span className={`verdict ${f.supported}`} data-testid="finding-verdict" title={`this run: ${VERDICTS[f.supported]}`}>{f.supported}</span>
              <b>{f.claim}</b>
            </div>
            <p className="muted small-text">{f.evidence}</p>
          </li>
        ))}
      </ul>
      {r.findingsRules?.length ? (
        <div className="findings-rules small-text" data-testid="findings-rules">
          <b>How the verdicts are decided</b>
          <ul>{r.findingsRules.map((t) => <li key={t}>{t}</li>)}</ul>
        </div>
      ) : null}
    </>
  );
}
