import { describe, expect, it } from 'vitest';
import type { EvaluationResult } from '../eval/report';
import type { MetricPoint } from '../train/settings';
import { interpolateAt } from './findings';
import { clone } from '../testing/experimentFixtures';
import { type AdaptStage, type ExperimentPlan, planExperiment, type Progress } from './plan';
import { RECIPE_PRESETS } from './recipe';
import { buildReport, type ExperimentReport, formatAccuracyDifference, type ReportInput, reportCsv } from './report';
import { scorePairs } from '../eval/minimalPairs';
import { pairSetOf } from '../eval/report';
import { mcnemarExact } from '../eval/stats';
import { csvCell } from '../eval/report';
import { reportCharts, reportHtml } from './reportHtml';

/** Records for every stage, as if the whole quick-demo experiment had run: checkpoint c-<stage id>. */
function progressFor(plan: ExperimentPlan): Progress {
  const ck = (id: string) => `c-${id}`;
  const progress: Progress = {};
  for (const s of plan.stages) {
    const trains = s.kind === 'adapt' || (s.kind === 'base' && s.train);
    progress[s.id] = {
      key: s.key, inputs: Object.fromEntries(s.inputs.map((i) => [i, ck(i)])),
      ...(trains ? { runId: `run-${s.id}` } : {}),
      ...(s.produces === 'checkpoint' ? { checkpointId: ck(s.id) } : { evaluationId: 'eval-1' }),
    };
  }
  return progress;
}

const point = (step: number, flops: number, valid?: Record<string, number>): MetricPoint => ({ step, tokens: step * 256, flops, loss: step ? 3 : null, lr: 0, gradNorm: 0, elapsed: 0, numTensors: 0, ...(valid ? { valid } : {}) });

/** Target loss falls from 5 and English rises from 2, faster at 1x (it forgets more and learns less). */
function metricsFor(plan: ExperimentPlan): Record<string, MetricPoint[]> {
  const out: Record<string, MetricPoint[]> = {};
  for (const s of plan.stages.filter((x): x is AdaptStage => x.kind === 'adapt')) {
    const rate = s.scale === 1 ? 1 : 1.5;
    const steps = [...new Set([0, ...Array.from({ length: Math.floor(s.steps / s.evalEvery) }, (_, i) => (i + 1) * s.evalEvery), s.steps])];
    out[`run-${s.id}`] = steps.flatMap((step) => {
      const f = step / s.steps;
      const valid = { [s.corpus]: 5 - 1.5 * rate * f, [s.replayCorpus]: 2 + 0.4 * f / rate };
      // A training step without evaluation between the evaluations, and one with only English.
      return [point(step, step * s.flopsPerStep, valid), ...(step ? [point(step, step * s.flopsPerStep, { [s.replayCorpus]: 9 })] : [])];
    });
  }
  return out;
}

function evaluationFor(plan: ExperimentPlan): EvaluationResult {
  const ids = plan.stages.filter((s) => s.produces === 'checkpoint').map((s) => s.id);
  const loss = (id: string, language: string) => (id.startsWith('merge') ? 3.5 : id.startsWith('adapt') ? (id.includes(language) ? 3 : 4.5) : 5) - (id.endsWith('x2') ? 0.2 : 0) + (id.includes('ties') ? 0 : 0.1);
  return {
    id: 'eval-1', createdAt: '2025-01-02T00:00:00Z', checkpoints: ids.map((id) => ({ id: `c-${id}`, name: id })), suites: [],
    validation: ids.flatMap((id) => ['isl', 'fao', 'eng'].map((language) => ({ checkpoint: `c-${id}`, language, corpus: '', loss: language === 'eng' ? 2.1 : loss(id, language), perplexity: 1 }))),
    rows: ids.flatMap((id) => ['isl', 'fao'].flatMap((language) => [0.6, 0.8].map((accuracy, k) => ({ checkpoint: `c-${id}`, suite: `s${k}-${language}`, language, accuracy, pairAccuracy: accuracy, pairs: 10, paradigms: [] })))),
  };
}

function demoInput(): ReportInput {
  const recipe = clone(RECIPE_PRESETS[0].recipe);
  const plan = planExperiment(recipe);
  return {
    experimentId: 'exp-1', name: 'Demo <run> & "friends"', createdAt: '2025-01-02T00:00:00Z', recipe, plan, progress: progressFor(plan),
    metrics: metricsFor(plan), evaluation: evaluationFor(plan), names: { 'c-base': 'English base' }, status: 'complete',
  };
}

describe('buildReport', () => {
  const input = demoInput();
  const r = buildReport(input);

  it('has every section, every model with its scores, and the stage statuses', () => {
    expect(r.sections).toEqual(['forgetting', 'gains', 'merges', 'findings']);
    expect(r.stages.every((s) => s.status === 'reuse')).toBe(true);
    expect(r.languages).toEqual(['isl', 'fao', 'eng']);
    expect(r.models.map((m) => [m.stageId, m.kind, m.scale])).toEqual([
      ['base', 'base', 1], ['grow:x2', 'grown', 2], ['adapt:isl:x1', 'expert', 1], ['adapt:isl:x2', 'expert', 2], ['adapt:fao:x1', 'expert', 1], ['adapt:fao:x2', 'expert', 2],
      ['merge:task_arithmetic:isl+fao:x1', 'merge', 1], ['merge:task_arithmetic:isl+fao:x2', 'merge', 2], ['merge:ties:isl+fao:x1', 'merge', 1], ['merge:ties:isl+fao:x2', 'merge', 2],
    ]);
    expect(r.models[0].name).toBe('English base');
    expect(r.models[2].scores).toEqual({ isl: { loss: 3.1, accuracy: 0.7 }, fao: { loss: 4.6, accuracy: 0.7 }, eng: { loss: 2.1 } });
    expect(r.findings).toHaveLength(5);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('reads curves from the evaluation points only, starting at step 0 and flops 0', () => {
    expect(r.curves.map((c) => c.stageId)).toEqual(['adapt:isl:x1', 'adapt:isl:x2', 'adapt:fao:x1', 'adapt:fao:x2']);
    for (const c of r.curves) {
      expect(c.points[0]).toMatchObject({ step: 0, flops: 0, target: 5, english: 2 });
      expect(c.points.every((p) => p.english < 3)).toBe(true);
    }
  });

  it('compares the scales of a language at the FLOPs both reached, by interpolation', () => {
    const [x1, x2] = r.curves.filter((c) => c.language === 'isl');
    const common = Math.min(x1.points.at(-1)!.flops, x2.points.at(-1)!.flops);
    expect(common).toBe(x2.points.at(-1)!.flops);
    expect(common).toBeLessThan(x1.points.at(-1)!.flops);
    const g1 = r.gains.find((g) => g.language === 'isl' && g.scale === 1)!;
    const g2 = r.gains.find((g) => g.language === 'isl' && g.scale === 2)!;
    expect(g1.flops).toBe(common);
    expect(g1.target).toBeCloseTo(interpolateAt(x1.points, common, 'target')!, 12);
    // The synthetic curves are linear in FLOPs: at 1x, target 5 - 1.5 f and English 2 + 0.4 f.
    const f = common / x1.points.at(-1)!.flops;
    expect(g1.targetDrop).toBeCloseTo(1.5 * f, 9);
    expect(g1.englishRise).toBeCloseTo(0.4 * f, 9);
    expect(g2.targetDrop).toBeCloseTo(2.25, 9);
    expect(g2.englishRise).toBeCloseTo(0.4 / 1.5, 9);
  });

  it('judges growth on the numbers of the gains table', () => {
    const [efficiency, forgets] = r.findings;
    for (const language of ['isl', 'fao']) {
      const [g1, g2] = [1, 2].map((scale) => r.gains.find((g) => g.language === language && g.scale === scale)!);
      expect(efficiency.evidence).toContain(`x2 target loss ${g2.target.toFixed(3)} vs x1 ${g1.target.toFixed(3)}`);
      expect(forgets.evidence).toContain(`x2 English loss rise ${g2.englishRise.toFixed(3)} vs x1 ${g1.englishRise.toFixed(3)}`);
    }
  });

  it('puts every merge next to its expert and base on each language of its subset', () => {
    expect(r.mergeTable).toHaveLength(8);
    const row = r.mergeTable.find((m) => m.method === 'ties' && m.scale === 2 && m.language === 'fao')!;
    expect(row).toEqual({ stageId: 'merge:ties:isl+fao:x2', method: 'ties', subset: ['isl', 'fao'], scale: 2, language: 'fao', loss: 3.3, accuracy: 0.7, expertLoss: 2.9, expertAccuracy: 0.7, baseLoss: 5 - 0.2 + 0.1 });
  });

  it('puts the merge-minus-expert accuracy on the same pairs, with McNemar, where verdicts were kept', () => {
    const pairs = Array.from({ length: 100 }, (_, i) => ({ good: `g${i}`, bad: `b${i}`, paradigm: 'p' }));
    const row = (checkpoint: string, right: number) => {
      const s = scorePairs(pairs, pairs.map((_, i) => (i < right ? 0 : -2)), pairs.map(() => -1), 'lm-eval blimp');
      return { checkpoint, suite: 'wo-isl', language: 'isl', pairAccuracy: s.overall.value, ...s };
    };
    const evaluation = { ...input.evaluation!, rows: [row('c-merge:ties:isl+fao:x1', 50), row('c-adapt:isl:x1', 80)], pairSets: [pairSetOf('wo-isl', pairs)] };
    const m = buildReport({ ...input, evaluation }).mergeTable.find((x) => x.stageId === 'merge:ties:isl+fao:x1' && x.language === 'isl')!;
    expect(m.accuracyDifference).toMatchObject({ pairs: 100, significant: true });
    expect(m.accuracyDifference!.difference).toBeCloseTo(-0.3, 12);
    expect(m.accuracyDifference!.p).toBeCloseTo(mcnemarExact(0, 30).p, 12);
    expect(formatAccuracyDifference(m.accuracyDifference)).toMatch(/^−30.0 points \[−.*\], McNemar p = 1.9e-9, 100 pairs$/);
  });

  it('states the thresholds its findings were decided with', () => {
    expect(r.findingsThresholds).toEqual({ tolerance: 0.01, methodSpread: 0.05, alpha: 0.05 });
    expect(r.findingsRules.join(' ')).toMatch(/±0.01 nats.*McNemar's exact test gives p < 0.05/);
    expect(reportHtml(r)).toContain('<h3>How the verdicts are decided</h3>');
    expect(reportCsv(r)).toContain('findings,,,,,,,threshold:alpha,0.05');
  });

  it('leaves out what has not run yet', () => {
    const partial = buildReport({ ...input, progress: { base: input.progress.base }, metrics: {}, evaluation: undefined });
    expect(partial.sections).toEqual(['findings']);
    expect(partial.curves).toEqual([]);
    expect(partial.mergeTable).toEqual([]);
    expect(partial.models[1]).toEqual({ stageId: 'grow:x2', name: 'Grow the base to x2 width (HyperCloning)', kind: 'grown', scale: 2, scores: {} });
    expect(partial.stages.map((s) => s.status)).toEqual(['reuse', ...Array(partial.stages.length - 1).fill('pending')]);
    expect(() => reportHtml(partial)).not.toThrow();
    expect(reportHtml(partial)).not.toContain('NaN');
  });
});

describe('reportCsv', () => {
  const r = buildReport(demoInput());
  const csv = reportCsv(r);
  const lines = csv.trimEnd().split('\n');

  it('is long format with one value a row', () => {
    expect(lines[0]).toBe('section,language,scale,method,subset,step,flops,metric,value');
    expect(lines).toContain('merges,fao,2,ties,isl+fao,,,expert_loss,2.9');
    expect(lines.find((l) => l.startsWith('forgetting,isl,1,,,0,0,target_loss'))).toBe('forgetting,isl,1,,,0,0,target_loss,5');
    expect(lines.filter((l) => l.startsWith('gains,')).length).toBe(r.gains.length * 6);
  });

  it('quotes cells with commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvCell('isl,fao')).toBe('"isl,fao"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('a\nb')).toBe('"a\nb"');
    expect(csvCell(3.5)).toBe('3.5');
    const evidence = lines.find((l) => l.startsWith('findings,,,,,,,growth-data-efficiency:evidence,'))!;
    expect(evidence).toMatch(/,"\d of \d language comparisons support it, .*"$/);
  });
});

describe('reportHtml', () => {
  const r = buildReport(demoInput());
  const html = reportHtml(r);

  it('has every section\'s heading and the charts inline', () => {
    for (const id of ['recipe', 'plan', ...r.sections, 'target-loss']) expect(html).toContain(`<h2 id="${id}">`);
    expect(html).toContain('English forgetting');
    expect(html).toContain('Gains at equal FLOPs');
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html).toContain('ties(isl+fao) x2');
    expect(html).toContain('<span class="verdict yes">yes</span>');
  });

  it('is self-contained: no URLs, no NaN, escaped text', () => {
    expect(html).not.toMatch(/https?:/);
    expect(html).not.toContain('NaN');
    expect(html).toContain('<h1>Demo &lt;run&gt; &amp; &quot;friends&quot;</h1>');
  });

  it('embeds the report JSON, which parses back to the report', () => {
    const withScript: ExperimentReport = { ...r, name: 'evil </script><script>alert(1)</script>' };
    const page = reportHtml(withScript);
    const m = page.match(/<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/)!;
    expect(JSON.parse(m[1])).toEqual(withScript);
    expect(page.match(/<\/script>/g)).toHaveLength(1);
  });

  it('gives the app its charts as standalone SVG documents', () => {
    const charts = reportCharts(r);
    expect(charts.map((c) => c.id)).toEqual(['forgetting', 'target-loss', 'merge-heatmap']);
    for (const c of charts) expect(c.svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<\/svg>$/);
  });
});
