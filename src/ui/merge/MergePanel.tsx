// Merges expert checkpoints into one with a registered method: pick the base and the method, check
// the experts and set their parameters (forms generated from the method's schema), preview the
// sign interference across layers, merge with progress, then export the merge as mergekit YAML
// and evaluate it against its experts. A mergekit YAML config can also be pasted and run.
import { useState } from 'react';
import type { TensorDiagnostics } from '../../core/merge/merge';
import { useStudio } from '../../state/store';
import { CheckpointSelect } from '../shared/CheckpointSelect';
import { MergeDiagnosticsChart } from './MergeDiagnosticsChart';
import { mergeBlocker, mergeParamProblem, useMergeDraft } from './MergeDraft';
import { ErrorText } from '../shared/ErrorText';
import { MergeExperts } from './MergeExperts';
import { MergeMethodInfo } from './MergeMethodInfo';
import { MergeProgress } from './MergeProgress';
import { MergeResult } from './MergeResult';
import { MergeYamlImport } from './MergeYamlImport';
import { ParamForm } from '../shared/ParamForm';
import { useReport } from '../shared/report';
import { useStudioApi } from '../shared/studioContext';
import { Field } from '../shared/Field';

export function MergePanel() {
  const studio = useStudioApi();
  const d = useMergeDraft();
  const ready = useStudio((s) => !!s.backend.info);
  const working = useStudio((s) => s.mergeProgress !== undefined);
  const [busy, setBusy] = useState<'diagnose' | 'merge'>();
  const { error, run, near } = useReport();
  const [diagnosis, setDiagnosis] = useState<{ key: string; rows: TensorDiagnostics[] }>();
  const [resultId, setResultId] = useState<string>();
  const blocker = mergeBlocker(d.method, d.base, d.experts.length) ?? mergeParamProblem(d.method, d.global, d.experts);
  const key = JSON.stringify(d.request);

  async function act(kind: 'diagnose' | 'merge') {
    setBusy(kind);
    await run(async () => {
      if (kind === 'diagnose') setDiagnosis({ key, rows: await studio.mergeDiagnostics(d.request) });
      else {
        setResultId(await studio.merge({ ...d.request, ...(d.name.trim() ? { name: d.name.trim() } : {}) }));
        d.setName('');
      }
    });
    setBusy(undefined);
  }

  const disabled = !!blocker || !!busy || working || !ready;
  return (
    <section className="panel merge" data-testid="merge-panel">
      <h2>Merge</h2>
      <div className="row-form">
        <Field grow label="method">
          <select data-testid="merge-method" value={d.method.id} onChange={(e) => d.pickMethod(e.target.value)}>
            {d.methods.map((m) => <option key={m.id} value={m.id}>{m.label}</option>)}
          </select>
        </Field>
        <Field grow label={<>base {d.method.base === 'none' ? '(not used)' : d.method.base === 'optional' ? '(optional)' : ''}</>}>
          <CheckpointSelect testId="merge-base" value={d.base} none="none" disabled={d.method.base === 'none'} onChange={d.setBase} />
        </Field>
      </div>
      <MergeMethodInfo method={d.method} />
      <MergeExperts method={d.method} base={d.base} experts={d.experts} onToggle={d.toggleExpert} onParams={d.setExpertParams} />
      {d.method.globalParams.length > 0 && <h3>Method parameters</h3>}
      {d.method.globalParams.length > 0 && <ParamForm specs={d.method.globalParams} values={d.global} onChange={d.setGlobal} />}
      <div className="actions" ref={near}>
        <Field grow label="name (optional)">
          <input data-testid="merge-name" placeholder="method(experts)" value={d.name} onChange={(e) => d.setName(e.target.value)} />
        </Field>
        <button data-testid="merge-diagnose" disabled={disabled || !d.base} title={d.base ? undefined : 'diagnostics compare task vectors, which need a base'} onClick={() => void act('diagnose')}>
          {busy === 'diagnose' ? 'Diagnosing…' : 'Preview interference'}
        </button>
        <button className="primary" data-testid="merge-run" disabled={disabled} title={ready ? blocker : 'the backend is still starting'} onClick={() => void act('merge')}>
          {busy === 'merge' ? 'Merging…' : 'Merge'}
        </button>
      </div>
      {blocker && <p className="muted small-text" data-testid="merge-blocker">To merge: {blocker}.</p>}
      {error && <ErrorText message={error} testId="merge-error" />}
      <MergeProgress />
      {diagnosis && <MergeDiagnosticsChart diagnostics={diagnosis.rows} testId="merge-diagnostics" stale={diagnosis.key !== key} />}
      {resultId && <MergeResult key={resultId} id={resultId} />}
      <MergeYamlImport onMerged={setResultId} />
    </section>
  );
}
