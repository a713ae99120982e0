// The form for a training run, its grid generated from TRAIN_SETTINGS. Start hands the options to
// studio.train, which validates them and throws synchronously on a bad one; that message is shown
// under the button.
import { useEffect, useState } from 'react';
import { MAX_POSITION } from '../../core/train/settings';
import { useStudio } from '../../state/store';
import { CheckpointSelect } from '../shared/CheckpointSelect';
import { DataMixEditor } from './DataMixEditor';
import { useReport } from '../shared/report';
import { useStudioApi } from '../shared/studioContext';
import { SpecFields } from '../shared/ParamForm';
import { INITIAL_DRAFT, TRAIN_GRID_FIELDS, type TrainDraft, type TrainGridField, trainOptions } from './trainDraft';
import { keepHandle, selectFrom, useUi } from '../shared/uiState';
import { WatchPicker } from './WatchPicker';
import { Field } from '../shared/Field';

export function TrainForm() {
  const studio = useStudioApi();
  const checkpoints = useStudio((s) => s.checkpoints);
  const busy = useStudio((s) => (s.activeRunId ? ['running', 'paused'].includes(s.runs[s.activeRunId]?.status ?? '') : false));
  const ready = useStudio((s) => !!s.backend.info);
  const picked = useUi((s) => s.fromId);
  const from = checkpoints.find((c) => c.id === picked) ?? checkpoints[0];
  const maxPos = from?.config.max_position_embeddings;
  const [draft, setDraft] = useState<TrainDraft>(INITIAL_DRAFT);
  const { error, run } = useReport();
  const set = <K extends keyof TrainDraft>(k: K, v: TrainDraft[K]) => setDraft((d) => ({ ...d, [k]: v }));

  // A model with a shorter context than the form's seq len: fit the form to it.
  useEffect(() => {
    if (maxPos && Number(draft.seqLen) > maxPos) setDraft((d) => ({ ...d, seqLen: String(maxPos) }));
  }, [maxPos, draft.seqLen]);

  function start() {
    if (from) void run(() => keepHandle(studio.train(trainOptions(from.id, draft))));
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
      <div className="grid-form">
        <SpecFields specs={TRAIN_GRID_FIELDS} values={draft} testIdPrefix="train" context={{ [MAX_POSITION.ref]: maxPos }} onChange={(k, v) => set(k as TrainGridField, v)} />
      </div>
      <WatchPicker value={draft.watch} onChange={(ids) => set('watch', ids)} />
      <div className="actions">
        <button className="primary" data-testid="train-start" disabled={!from || busy || !ready} onClick={start}>Start training</button>
        {busy && <span className="muted small-text">a run is in progress</span>}
      </div>
      {error && <p className="error-text" data-testid="train-error">{error}</p>}
    </div>
  );
}
