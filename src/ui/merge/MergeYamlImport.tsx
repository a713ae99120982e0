// Runs a mergekit YAML config: paste it or open a .yaml file, parse it (errors name the line or
// the key), read back the method, base, models with their parameters and any notes, map each
// model name to a checkpoint (preselected where the name matches one), and run the merge.
import { useState } from 'react';
import type { MergekitImport } from '../../state/merge';
import { CheckpointSelect } from '../shared/CheckpointSelect';
import { useReport } from '../shared/report';
import { useStudioApi } from '../shared/studioContext';

/** YAML parameters as read (mergekit allows lists and gradients, so not only numbers). */
function paramsText(p: Record<string, unknown>): string {
  return Object.entries(p).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' · ') || '—';
}

export function MergeYamlImport({ onMerged }: { onMerged: (id: string) => void }) {
  const studio = useStudioApi();
  const [text, setText] = useState('');
  const [parsed, setParsed] = useState<MergekitImport>();
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const { error, run: attempt, clear } = useReport();
  const [busy, setBusy] = useState(false);

  function edit(t: string) {
    setText(t);
    setParsed(undefined); // Run uses the text that was parsed, so an edit asks for a new parse
    clear();
  }

  function parse() {
    setParsed(undefined);
    void attempt(() => {
      const p = studio.mergekit.parse(text);
      setParsed(p);
      setMapping(Object.fromEntries(Object.entries(p.mapping).map(([n, id]) => [n, id ?? ''])));
    });
  }

  async function run() {
    setBusy(true);
    const id = await attempt(() => studio.mergekit.run(text, mapping));
    if (id) onMerged(id);
    setBusy(false);
  }

  const unmapped = Object.values(mapping).some((id) => !id);
  return (
    <div className="merge-yaml-import subsection">
      <h3>Run a mergekit YAML</h3>
      <textarea aria-label="mergekit YAML" data-testid="merge-yaml-input" rows={8} spellCheck={false} placeholder={'merge_method: ties\nbase_model: …\nmodels:\n  - model: …\n    parameters: {weight: 1, density: 0.5}'} value={text} onChange={(e) => edit(e.target.value)} />
      <div className="actions">
        <input type="file" accept=".yaml,.yml" aria-label="mergekit YAML file" data-testid="merge-yaml-file" onChange={(e) => void e.target.files?.[0]?.text().then(edit)} />
        <button data-testid="merge-yaml-parse" disabled={!text.trim()} onClick={parse}>Parse</button>
      </div>
      {error && <p className="error-text" data-testid="merge-yaml-error">{error}</p>}
      {parsed && (
        <div className="merge-yaml-config" data-testid="merge-yaml-config">
          <dl className="kv">
            <div><dt>merge_method</dt><dd>{parsed.config.mergeMethod}</dd></div>
            <div><dt>base_model</dt><dd>{parsed.config.baseModel ?? 'none'}</dd></div>
            <div><dt>parameters</dt><dd>{paramsText(parsed.config.parameters)}</dd></div>
            {parsed.config.dtype && <div><dt>dtype</dt><dd>{parsed.config.dtype}</dd></div>}
          </dl>
          {parsed.config.notes.map((n) => <p key={n} className="warn-text" data-testid="merge-yaml-note">{n}</p>)}
          <table className="compare merge-yaml-map">
            <thead><tr><th>model</th><th>parameters</th><th>checkpoint</th></tr></thead>
            <tbody>
              {Object.keys(mapping).map((n) => (
                <tr key={n}>
                  <th>{n}{n === parsed.config.baseModel && <span className="tag">base</span>}</th>
                  <td>{paramsText(parsed.config.models.find((m) => m.model === n)?.parameters ?? {})}</td>
                  <td>
                    <CheckpointSelect testId="merge-yaml-map" name={n} value={mapping[n]} none="— choose a checkpoint —" onChange={(id) => setMapping({ ...mapping, [n]: id })} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="actions">
            <button className="primary" data-testid="merge-yaml-run" disabled={busy || unmapped} onClick={() => void run()}>{busy ? 'Merging…' : 'Run'}</button>
            {unmapped && <span className="muted small-text">map every model to a checkpoint</span>}
          </div>
        </div>
      )}
    </div>
  );
}
