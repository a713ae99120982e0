// The form for a training run, its grid generated from TRAIN_SETTINGS. Every field is checked as
// it is typed (trainDraftErrors, the checks studio.train runs) with its message beside it, and
// Start stays disabled while one fails. A failure of the start itself is shown beside the button.
import { useMemo, useState } from 'react';
import { MAX_POSITION } from '../../core/train/settings';
import { useStudio } from '../../state/store';
import { CheckpointSelect } from '../shared/CheckpointSelect';
import { DataMixEditor } from './DataMixEditor';
import { useReport } from '../shared/report';
import { useStudioApi } from '../shared/studioContext';
import { SpecFields } from '../shared/ParamForm';
import { INITIAL_DRAFT, TRAIN_GRID_FIELDS, type TrainDraft, type TrainGridField, trainDraftErrors, trainOptions } from './trainDraft';
import { ErrorText } from '../shared/ErrorText';
import { FieldError } from '../shared/ParamForm';
import { keepHandle, selectFrom, useUi } from '../shared/uiState';
import { WatchPicker } from './WatchPicker';
import { Field } from '../shared/Field';
import { MemoryPlanLine } from '../shared/MemoryPlanLine';

export function TrainForm() {
  const studio = useStudioApi();
  const checkpoints = useStudio((s) => s.checkpoints);
  const busy = useStudio((s) => (s.activeRunId ? ['running', 'paused'].includes(s.runs[s.activeRunId]?.status ?? '') : false));
  const ready = useStudio((s) => !!s.backend.info);
  const picked = useUi((s) => s.fromId);
  const from = checkpoints.find((c) => c.id === picked) ?? checkpoints[0];
  const maxPos = from?.config.max_position_embeddings;
  const [draft, setDraft] = useState<TrainDraft>(INITIAL_DRAFT);
  const corpusIds = useStudio((s) => s.corpora).map((c) => c.id).join('\n');
  const { error, run, near } = useReport();
  const set = <K extends keyof TrainDraft>(k: K, v: TrainDraft[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const errors = useMemo(() => {
    if (!from || !maxPos) return {};
    const found = trainDraftErrors(from.id, draft, { corpusIds: corpusIds ? corpusIds.split('\n') : [], maxPositionEmbeddings: maxPos });
    // Until the corpora are listed, no corpus is known yet: say nothing about data and watch.
    if (!corpusIds) {
      delete found.data;
      delete found.watch;
    }
    return found;
  }, [from, maxPos, draft, corpusIds]);
  const invalid = Object.keys(errors).length > 0;

  function start() {
    if (from && !invalid) void run(() => keepHandle(studio.train(trainOptions(from.id, draft))));
  }

  return (
    <div className="train-form">
      <div className="row-form">
        <Field grow label="from">
          <CheckpointSelect testId="train-from" value={from?.id ?? ''} onChange={selectFrom} />
        </Field>
        <Field grow label="run name">
          <input data-testid="train-name" placeholder={from ? `${from.name} +${draft.steps} steps` : ''} value={draft.name} onChange={(e) => set('name', e.target.value)} />
        </Field>
      </div>
      <DataMixEditor rows={draft.data} onChange={(rows) => set('data', rows)} />
      <FieldError id="train-data-error" message={errors.data} testId="train-data-error" />
      <div className="grid-form">
        <SpecFields specs={TRAIN_GRID_FIELDS} values={draft} errors={errors} testIdPrefix="train" context={{ [MAX_POSITION.ref]: maxPos }} onChange={(k, v) => set(k as TrainGridField, v)} />
      </div>
      {from && <MemoryPlanLine config={from.config} options={trainOptions(from.id, draft)} testId="train-memory-plan" />}
      <WatchPicker value={draft.watch} onChange={(ids) => set('watch', ids)} />
      <FieldError id="train-watch-error" message={errors.watch} testId="train-watch-error" />
      <div className="actions" ref={near}>
        <button className="primary" data-testid="train-start" disabled={!from || busy || !ready || invalid} onClick={start}>Start training</button>
        {busy && <span className="muted small-text">a run is in progress</span>}
        {invalid && !busy && <span className="muted small-text" data-testid="train-invalid">fix the {Object.keys(errors).length === 1 ? 'field' : `${Object.keys(errors).length} fields`} marked above to start</span>}
      </div>
      {error && <ErrorText message={error} testId="train-error" />}
    </div>
  );
}
