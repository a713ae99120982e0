// The experiment report as one self-contained HTML file: inline CSS and inline SVG charts, no
// external URLs, nothing that needs a script to read. The whole report JSON rides along in a
// <script type="application/json" id="report-data"> element so the file can be loaded back.
import { formatFlops } from '../numeric/formatFlops';
import { type ExperimentReport, formatAccuracyDifference, type ReportModel } from './report';
import { languageColor } from '../languageColors';
import { escapeXml as esc, heatmapSvg, lineChartSvg } from './reportSvg';

export interface ReportChart {
  id: 'forgetting' | 'target-loss' | 'merge-heatmap';
  title: string;
  /** A standalone SVG document (with its xmlns), ready to draw onto a canvas for a PNG. */
  svg: string;
}

const KIND_ORDER = { base: 0, grown: 0, expert: 1, merge: 2 };

/** Heatmap and accuracy-table rows: per scale the base, then the experts, then the merges. */
function tableModels(r: ExperimentReport): ReportModel[] {
  return r.models
    .map((m, i) => ({ m, i }))
    .filter(({ m }) => Object.keys(m.scores).length)
    .sort((a, b) => a.m.scale - b.m.scale || KIND_ORDER[a.m.kind] - KIND_ORDER[b.m.kind] || a.i - b.i)
    .map(({ m }) => m);
}

export function modelLabel(m: ReportModel): string {
  if (m.kind === 'merge') return `${m.method}(${m.subset!.join('+')}) x${m.scale}`;
  if (m.kind === 'expert') return `expert ${m.language} x${m.scale}`;
  return `base x${m.scale}`;
}

function curveSeries(r: ExperimentReport, y: (p: { target: number; english: number }, first: { english: number }) => number) {
  return r.curves.map((c) => ({
    name: `${c.language} x${c.scale}`,
    color: languageColor(c.language),
    dashed: c.scale > 1,
    points: c.points.map((p) => ({ x: p.flops, y: y(p, c.points[0]) })),
  }));
}

/** The charts the HTML embeds, for the app to offer as PNGs. */
export function reportCharts(r: ExperimentReport): ReportChart[] {
  const rows = tableModels(r);
  return [
    {
      id: 'forgetting', title: 'English forgetting',
      svg: lineChartSvg({ title: 'English forgetting', xLabel: 'training FLOPs of the adaptation run', yLabel: 'English loss − step-0 loss (nats)', series: curveSeries(r, (p, first) => p.english - first.english) }),
    },
    {
      id: 'target-loss', title: 'Target-language loss',
      svg: lineChartSvg({ title: 'Target-language loss', xLabel: 'training FLOPs of the adaptation run', yLabel: 'validation loss (nats per byte)', series: curveSeries(r, (p) => p.target) }),
    },
    {
      id: 'merge-heatmap', title: 'Validation loss of merges, experts and bases',
      svg: heatmapSvg({ title: 'Validation loss of merges, experts and bases', rows: rows.map(modelLabel), cols: r.languages, values: rows.map((m) => r.languages.map((l) => m.scores[l]?.loss)), lowIsGood: true, colorScale: 'column' }),
    },
  ];
}

const f3 = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(3));
const signed = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(3)}`;
const pct = (v: number | undefined) => (v === undefined ? '–' : `${(v * 100).toFixed(1)} %`);
const td = (s: string | number, cls = '') => `<td${cls ? ` class="${cls}"` : ''}>${esc(String(s))}</td>`;
const table = (head: string[], rows: string[][]) =>
  `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.join('')}</tr>`).join('')}</tbody></table>`;
const empty = (what: string) => `<p class="empty">${esc(what)}</p>`;
/** Inline SVG in HTML needs no namespace; dropping it keeps the file free of URLs. */
const inline = (svg: string) => `<figure>${svg.replace(' xmlns="http://www.w3.org/2000/svg"', '')}</figure>`;

function recipeSection(r: ExperimentReport): string {
  const rc = r.recipe;
  const base = rc.base.from === 'scratch'
    ? `a ${rc.base.preset ?? 'custom'} model (d=${rc.base.config.hidden_size}, ${rc.base.config.num_hidden_layers} layers) trained from scratch on ${rc.base.corpus} for ${rc.base.budget.value} ${rc.base.budget.kind}`
    : `checkpoint ${rc.base.checkpoint}`;
  const budget = (b: { kind: string; value: number }) => (b.kind === 'flops' ? formatFlops(b.value) : `${b.value} ${b.kind}`);
  const items = [
    ['Base', base],
    ['Languages', rc.languages.map((l) => `${l.code} (${l.corpus}${l.budget ? `, ${budget(l.budget)}` : ''})`).join(', ')],
    ['Scales', rc.scales.map((m) => `x${m}`).join(', ') + (rc.growth.noiseSnrDb ? ` (HyperCloning noise ${rc.growth.noiseSnrDb} dB SNR)` : ' (HyperCloning, no noise)')],
    ['Adaptation budget', `${budget(rc.adapt.budget)} per language, the same FLOPs at every scale; ${rc.adapt.batchSize} × ${rc.adapt.seqLen} tokens a step, lr ${rc.adapt.lr}, ${Math.round(rc.adapt.replay * 100)} % replay of ${rc.adapt.replayCorpus}`],
    ['Merges', rc.merges.length ? rc.merges.map((m) => `${m.method}(${m.subset.join('+')}) at ${m.scales.map((s) => `x${s}`).join(', ')}`).join('; ') : 'none'],
    ['Evaluation', `${rc.evaluation.suites.join(', ')} (at most ${rc.evaluation.maxPairs} pairs each)`],
    ['Training FLOPs', formatFlops(r.trainingFlops)],
    ['Seed', String(rc.seed)],
  ];
  return `<h2 id="recipe">Recipe</h2><dl>${items.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
}

function planSection(r: ExperimentReport): string {
  return `<h2 id="plan">Plan</h2>${table(['Stage', 'What it does', 'Status', 'Why'], r.stages.map((s) => [td(s.id, 'mono'), td(s.title), td(s.status, `status ${s.status}`), td(s.reason)]))}`;
}

function gainsSection(r: ExperimentReport): string {
  const rows = r.gains.map((g) => [td(g.language), td(`x${g.scale}`), td(formatFlops(g.flops)), td(f3(g.targetStart)), td(f3(g.target)), td(f3(g.targetDrop)), td(f3(g.englishStart)), td(f3(g.english)), td(f3(g.englishRise))]);
  return `<h2 id="gains">Gains at equal FLOPs</h2><p>Each run read at the largest FLOPs every scale of its language reached (linear interpolation between evaluations), against its own step 0.</p>`
    + (rows.length ? table(['Language', 'Scale', 'FLOPs', 'Target at step 0', 'Target', 'Target drop', 'English at step 0', 'English', 'English rise'], rows) : empty('No adaptation curves yet.'));
}

function mergesSection(r: ExperimentReport, heatmap: string): string {
  const rows = tableModels(r);
  const anyAcc = rows.some((m) => Object.values(m.scores).some((s) => s.accuracy !== undefined));
  const accuracy = anyAcc
    ? `<h3>Minimal-pair accuracy</h3>${table(['Model', ...r.languages], rows.map((m) => [td(modelLabel(m)), ...r.languages.map((l) => td(pct(m.scores[l]?.accuracy)))]))}`
    : '';
  const merges = r.mergeTable.map((m) => [td(`${m.method}(${m.subset.join('+')})`), td(`x${m.scale}`), td(m.language), td(f3(m.loss)), td(f3(m.expertLoss)), td(m.expertLoss === undefined ? '–' : signed(m.loss - m.expertLoss)), td(f3(m.baseLoss)), td(pct(m.accuracy)), td(pct(m.expertAccuracy)), td(formatAccuracyDifference(m.accuracyDifference))]);
  return `<h2 id="merges">Merges</h2>`
    + (rows.length ? `${inline(heatmap)}${accuracy}` : empty('No evaluation yet.'))
    + (merges.length ? `<h3>Merges against their experts</h3>${table(['Merge', 'Scale', 'Language', 'Loss', 'Expert loss', 'Merge − expert', 'Base loss', 'Accuracy', 'Expert accuracy', 'Merge − expert accuracy (same pairs, 95 % interval, McNemar exact p)'], merges)}` : '');
}

function findingsSection(r: ExperimentReport): string {
  const items = r.findings.map((f) => `<li><span class="verdict ${f.supported}">${esc(f.supported)}</span> <strong>${esc(f.claim)}</strong><p>${esc(f.evidence)}</p></li>`);
  const rules = (r.findingsRules ?? []).map((t) => `<li>${esc(t)}</li>`).join('');
  return `<h2 id="findings">Findings</h2><ul class="findings">${items.join('')}</ul>${rules ? `<h3>How the verdicts are decided</h3><ul class="rules">${rules}</ul>` : ''}`;
}

const CSS = `body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ddd}.meta{color:#666}
table{border-collapse:collapse;margin:1em 0;font-size:.9em}th,td{border:1px solid #ddd;padding:.3em .6em;text-align:left}th{background:#f5f5f5}
dt{font-weight:600;float:left;clear:left;width:11em}dd{margin-left:12em;margin-bottom:.4em}.mono{font-family:ui-monospace,monospace}
figure{margin:1em 0;overflow-x:auto}.empty{color:#888;font-style:italic}
.status.reuse{color:#2e7d32}.status.resume,.status.pending{color:#8d6e00}.status.rerun,.status.blocked{color:#c62828}
.findings{list-style:none;padding:0}.findings li{margin:1em 0}.findings p{margin:.3em 0 0;color:#444}
.verdict{display:inline-block;min-width:7em;text-align:center;border-radius:3px;padding:0 .4em;font-weight:600;color:#fff}
.verdict.yes{background:#2e7d32}.verdict.no{background:#c62828}.verdict.inconclusive{background:#757575}`;

/** JSON that cannot end its <script> element early: every '<' becomes \u003c (still valid JSON). */
const embeddedJson = (r: ExperimentReport) => JSON.stringify(r).replace(/</g, '\\u003c');

export function reportHtml(r: ExperimentReport): string {
  const charts = Object.fromEntries(reportCharts(r).map((c) => [c.id, c.svg]));
  const curves = r.curves.length > 0;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(r.name)}: Grow Up and Merge report</title><style>${CSS}</style></head>
<body>
<h1>${esc(r.name)}</h1>
<p class="meta">Experiment ${esc(r.experimentId)} · created ${esc(r.createdAt)} · ${esc(r.status)}${r.evaluationId ? ` · evaluation ${esc(r.evaluationId)}` : ''} · Grow Up and Merge Studio</p>
${recipeSection(r)}
${planSection(r)}
<h2 id="forgetting">English forgetting</h2><p>English validation loss minus its value at step 0 against the adaptation run's training FLOPs; dashed lines are grown models.</p>
${curves ? inline(charts.forgetting) : empty('No adaptation curves yet.')}
<h2 id="target-loss">Target-language loss</h2>
${curves ? inline(charts['target-loss']) : empty('No adaptation curves yet.')}
${gainsSection(r)}
${mergesSection(r, charts['merge-heatmap'])}
${findingsSection(r)}
<script type="application/json" id="report-data">${embeddedJson(r)}</script>
</body></html>
`;
}
