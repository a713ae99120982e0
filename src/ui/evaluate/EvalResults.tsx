// The results of one saved evaluation (the newest unless an older one is picked): the table, the
// checkpoints × languages heatmap, paired differences between checkpoints, per-paradigm bars,
// and CSV / JSON export.
import { useMemo, useState } from 'react';
import { accuracyMatrix, type EvaluationResult } from '../../core/eval/report';
import { useStudio } from '../../state/store';
import { downloadText } from '../shared/download';
import { evaluationFileName } from '../../core/fileNames';
import { EvalCompare } from './EvalCompare';
import { EvalParadigmChart } from './EvalParadigmChart';
import { EvalTable } from './EvalTable';
import { formatTime } from '../shared/format';
import { Heatmap } from '../shared/Heatmap';
import { report } from '../shared/report';
import { useStudioApi } from '../shared/studioContext';
import { Field } from '../shared/Field';

export function EvalResults() {
  const evaluations = useStudio((s) => s.evaluations);
  const newest = evaluations[0]?.id;
  // A new evaluation resets the pick, so the results shown are the run that just finished.
  const [pick, setPick] = useState<{ newest?: string; id?: string }>({});
  const id = pick.newest === newest ? pick.id : undefined;
  const result = evaluations.find((e) => e.id === id) ?? evaluations[0];
  if (!result) return <p className="muted">No evaluations yet.</p>;
  return (
    <div className="eval-results subsection">
      <div className="row-form">
        <Field grow label="results">
          <select data-testid="eval-pick" value={result.id} onChange={(e) => setPick({ newest, id: e.target.value })}>
            {evaluations.map((e) => <option key={e.id} value={e.id}>{describe(e)}</option>)}
          </select>
        </Field>
        <ExportButtons result={result} />
      </div>
      <ResultView key={result.id} result={result} />
    </div>
  );
}

function ResultView({ result }: { result: EvaluationResult }) {
  const matrix = useMemo(() => accuracyMatrix(result), [result]);
  return (
    <>
      <EvalTable result={result} />
      <Heatmap checkpoints={result.checkpoints} languages={matrix.languages} cells={matrix.cells} titles={matrix.titles} />
      <EvalCompare result={result} />
      <EvalParadigmChart result={result} />
    </>
  );
}

function ExportButtons({ result }: { result: EvaluationResult }) {
  const studio = useStudioApi();
  const save = async (format: 'csv' | 'json') => {
    const text = await report(studio.exportEvaluation(result.id, format));
    // Named after what it holds: eval-<models>-on-<suites>-<day>.csv.
    if (text !== undefined) downloadText(evaluationFileName(result, format), text, format === 'csv' ? 'text/csv' : 'application/json');
  };
  return (
    <div className="actions">
      <button data-testid="eval-export-csv" onClick={() => void save('csv')}>Export CSV</button>
      <button data-testid="eval-export-json" onClick={() => void save('json')}>Export JSON</button>
    </div>
  );
}

function describe(e: EvaluationResult): string {
  const names = e.checkpoints.map((c) => c.name).join(', ');
  return `${formatTime(e.createdAt)} — ${names} on ${e.suites.length} suite${e.suites.length === 1 ? '' : 's'}`;
}
