// Grows a checkpoint with a registered method: pick the parent and the method, set the method's
// parameters (a form generated from its schema), and see the grown shape, counts, FLOPs and the
// FLOP-matched token budget live. Grow runs the method and its check against the parent in the
// engine, then selects the grown model in the Train panel.
import { useMemo, useState } from 'react';
import type { CheckpointManifest } from '../../core/checkpoint/manifest';
import type { ParamValues } from '../../core/params';
import { useStudio } from '../../state/store';
import { CheckpointSelect } from '../shared/CheckpointSelect';
import { FlopCalculator } from './FlopCalculator';
import { GrowPreviewTable } from './GrowPreviewTable';
import { GrowResult } from './GrowResult';
import { defaultParams, ParamForm } from '../shared/ParamForm';
import { useReport } from '../shared/report';
import { ErrorText } from '../shared/ErrorText';
import { useStudioApi } from '../shared/studioContext';
import { pickGrowFrom, selectGrown, useGrowFromId } from '../shared/uiState';
import { useGrowPreview } from './useGrowPreview';
import { Field } from '../shared/Field';

const NOT_PRESERVING = 'Not function-preserving: the grown model starts with a higher loss, which continued training recovers.';

export function GrowPanel() {
  const studio = useStudioApi();
  const methods = useMemo(() => studio.growthMethods(), [studio]);
  const checkpoints = useStudio((s) => s.checkpoints);
  const ready = useStudio((s) => !!s.backend.info);
  const wanted = useGrowFromId();
  const parent = checkpoints.find((c) => c.id === wanted) ?? checkpoints[0];
  const [methodId, setMethodId] = useState(methods[0].id);
  const method = methods.find((m) => m.id === methodId) ?? methods[0];
  const [params, setParams] = useState<ParamValues>(() => defaultParams(method.params));
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const { error: runError, run, clear: clearRunError, near } = useReport();
  const [result, setResult] = useState<CheckpointManifest>();
  const { preview, parentId: previewOf, error, pending } = useGrowPreview(parent?.id, method.id, params);
  const previewParent = checkpoints.find((c) => c.id === previewOf);

  function pickMethod(id: string) {
    const m = methods.find((x) => x.id === id);
    if (!m) return;
    setMethodId(id);
    setParams(defaultParams(m.params));
    clearRunError();
  }

  async function grow() {
    if (!parent) return;
    pickGrowFrom(parent.id); // the grown model lands first in the list; stay on its parent
    setBusy(true);
    setResult(undefined);
    const grown = await run(async () => studio.checkpoints.get(await studio.grow(parent.id, { method: method.id, ...params, ...(name.trim() ? { name: name.trim() } : {}) })));
    setBusy(false);
    if (!grown) return;
    setName('');
    setResult(grown);
    selectGrown(parent.id, grown.id);
  }

  return (
    <section className="panel" data-testid="grow-panel">
      <h2>Grow</h2>
      <div className="row-form">
        <Field grow label="from">
          <CheckpointSelect testId="grow-from" value={parent?.id ?? ''} onChange={pickGrowFrom} />
        </Field>
        <Field grow label="method">
          <select data-testid="grow-method" value={method.id} onChange={(e) => pickMethod(e.target.value)}>
            {methods.map((m) => <option key={m.id} value={m.id}>{m.label}</option>)}
          </select>
        </Field>
      </div>
      <p className="muted small-text" data-testid="grow-method-info">
        {method.description} <a href={method.paper.url} target="_blank" rel="noreferrer" data-testid="grow-paper">{method.paper.title}</a>
      </p>
      <ParamForm specs={method.params} values={params} onChange={(v) => (setParams(v), clearRunError())} />
      {!method.functionPreserving && <p className="warn-text" data-testid="grow-not-preserving">{NOT_PRESERVING}</p>}
      {error ? (
        <ErrorText message={error} testId="grow-error" />
      ) : (
        preview && previewParent && (
          <>
            <GrowPreviewTable parent={previewParent.config} preview={preview} stale={pending} />
            <FlopCalculator parent={previewParent.config} grown={preview.config} />
          </>
        )
      )}
      <div className="actions" ref={near}>
        <Field grow label="name (optional)">
          <input data-testid="grow-name" placeholder="parent name, method and parameters" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <button
          className="primary"
          data-testid="grow-run"
          title={ready ? undefined : 'the backend is still starting'}
          disabled={!parent || !preview || !!error || pending || busy || !ready}
          onClick={() => void grow()}
        >
          {busy ? 'Growing and checking…' : 'Grow'}
        </button>
      </div>
      {runError && <ErrorText message={runError} testId="grow-run-error" />}
      {result && <GrowResult manifest={result} />}
    </section>
  );
}
