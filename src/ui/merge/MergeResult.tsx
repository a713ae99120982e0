// What the last merge saved: the new checkpoint and its lineage, the interference it resolved
// layer by layer, its mergekit YAML (downloaded and shown), and its evaluation against its experts.
import { useState } from 'react';
import { useStudio } from '../../state/store';
import { downloadText } from '../shared/download';
import { slugify } from '../../core/fileNames';
import { useReport } from '../shared/report';
import { MergeDiagnosticsChart } from './MergeDiagnosticsChart';
import { MergeEvaluate } from './MergeEvaluate';
import { MergeLineage } from './MergeLineage';
import { useStudioApi } from '../shared/studioContext';

export function MergeResult({ id }: { id: string }) {
  const studio = useStudioApi();
  const m = useStudio((s) => s.checkpoints.find((c) => c.id === id));
  const [yaml, setYaml] = useState<string>();
  const { error, run } = useReport();
  if (!m?.merge) return null;

  function exportYaml() {
    if (!m) return;
    void run(() => {
      const text = studio.mergekit.export(m.id);
      setYaml(text);
      downloadText(`${slugify(m.name)}-mergekit.yaml`, text, 'application/yaml');
    });
  }

  return (
    <div className="result-box merge-result" data-testid="merge-result" data-id={m.id}>
      <p>Saved <b data-testid="merge-result-name">{m.name}</b>; it is in the Models list.</p>
      <MergeLineage merge={m.merge} />
      <MergeDiagnosticsChart diagnostics={m.merge.diagnostics} testId="merge-result-diagnostics" subject={m.name} />
      <div className="actions">
        <button data-testid="merge-export-yaml" onClick={exportYaml}>Export mergekit YAML</button>
      </div>
      {error && <p className="error-text" data-testid="merge-export-error">{error}</p>}
      {yaml && <pre className="merge-yaml" data-testid="merge-yaml">{yaml}</pre>}
      <MergeEvaluate merged={m} />
    </div>
  );
}
