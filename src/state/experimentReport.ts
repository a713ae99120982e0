// An experiment's report and its files: buildReport over what the studio stores (run metrics,
// the evaluation, checkpoint names), rendered as HTML, JSON, CSV and PNG/SVG charts, plus the
// scale-out files (mergekit YAML per merge naming the models by their Hugging Face folders,
// nanotron config per training run, the tokenizer, the corpora and the script that tokenizes
// them for nanotron): a folder that runs on a cluster as it is (see SCALE_OUT.md).
import { buildReport, type ExperimentReport, reportCsv } from '../core/experiment/report';
import { reportCharts, reportHtml } from '../core/experiment/reportHtml';
import { byteTokenizerFiles } from '../core/checkpoint/hfExport';
import { corpusTextFile, hfModelDir, mergeStageFileName, nanotronConfigs, prepareDataScript, scaleOutCorpora, scaleOutReadme, TOKENIZER_DIR } from '../core/experiment/scaleOut';
import { mergekitYaml } from '../core/merge/mergekit';
import type { MetricPoint } from '../core/train/settings';
import type { ExperimentRecord } from '../storage/experiments';
import { readCorpusText, type Services } from './services';
import { useStudio } from './store';
import { svgToPng } from './svgToPng';

export function createExperimentReports(s: Services, record: (id: unknown) => ExperimentRecord, ready: () => Promise<void>) {
  async function report(id: string): Promise<ExperimentReport> {
    await ready();
    const rec = record(id);
    const metrics: Record<string, MetricPoint[]> = {};
    for (const r of Object.values(rec.progress)) {
      if (!r.runId) continue;
      const live = useStudio.getState().runs[r.runId];
      metrics[r.runId] = live?.metrics ?? (await s.runs.get(r.runId))?.metrics ?? [];
    }
    const evaluationId = rec.progress.evaluate?.evaluationId;
    const evaluation = evaluationId ? useStudio.getState().evaluations.find((e) => e.id === evaluationId) ?? (await s.evaluations.get(evaluationId)) : undefined;
    const names = Object.fromEntries(useStudio.getState().checkpoints.map((c) => [c.id, c.name]));
    return buildReport({ experimentId: rec.id, name: rec.name, createdAt: rec.createdAt, recipe: rec.recipe, plan: rec.plan, progress: rec.progress, metrics, evaluation, names, status: rec.status });
  }

  async function exportReport(id: string): Promise<{ name: string; bytes: Uint8Array }[]> {
    const r = await report(id);
    const rec = record(id);
    const text = (name: string, t: string) => ({ name, bytes: new TextEncoder().encode(t) });
    const files: { name: string; bytes: Uint8Array }[] = [text('report.html', reportHtml(r)), text('report.json', JSON.stringify(r, null, 2)), text('report.csv', reportCsv(r))];
    for (const chart of reportCharts(r)) {
      files.push(text(`charts/${chart.id}.svg`, chart.svg));
      files.push({ name: `charts/${chart.id}.png`, bytes: await svgToPng(chart.svg) });
    }
    const { checkpoints, corpora } = useStudio.getState();
    // A model the experiment made is named by the folder SCALE_OUT.md converts it to (hf/<stage>), any other by its name.
    const stageOf = new Map(rec.plan.stages.map((st) => [rec.progress[st.id]?.checkpointId, st.id]));
    const nameOf = (x: string) => (stageOf.has(x) ? hfModelDir(stageOf.get(x)!) : checkpoints.find((c) => c.id === x)?.name ?? x);
    for (const stage of rec.plan.stages) {
      const m = stage.kind === 'merge' ? checkpoints.find((c) => c.id === rec.progress[stage.id]?.checkpointId) : undefined;
      if (m?.merge) files.push(text(mergeStageFileName(stage.id), mergekitYaml(m.merge, nameOf)));
    }
    for (const f of nanotronConfigs(rec.plan, rec.recipe)) files.push(text(f.name, f.text));
    const maxPositions = Math.max(...rec.plan.stages.map((st) => ('config' in st && st.config ? st.config.max_position_embeddings : 0)));
    for (const f of byteTokenizerFiles(maxPositions)) files.push({ name: `${TOKENIZER_DIR}/${f.name}`, bytes: f.bytes });
    for (const id of scaleOutCorpora(rec.plan)) {
      const info = corpora.find((c) => c.id === id);
      if (!info) throw new Error(`corpus ${id}, which the experiment trained on, is no longer in the studio; the scale-out files need its text`);
      files.push(text(corpusTextFile(id), (await readCorpusText(s, info, true)).train!));
    }
    const prepare = prepareDataScript(rec.plan);
    files.push(text(prepare.name, prepare.text));
    files.push(text('SCALE_OUT.md', scaleOutReadme(rec.plan, rec.recipe)));
    return files;
  }

  return { report, exportReport };
}
