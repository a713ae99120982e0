// One experiment's report in the panel: forgetting and target-loss curves against FLOPs, gains at
// equal FLOPs, merges against their experts, and the findings; reloaded whenever the experiment's
// record changes (a stage finishes, it completes), with every section's heading always shown.
import { type ReactNode, useEffect, useState } from 'react';
import type { ExperimentReport } from '../../core/experiment/report';
import { ExperimentCharts } from './ExperimentCharts';
import { ExperimentExport } from './ExperimentExport';
import { useExperimentVersion } from './ExperimentProgress';
import { Findings, GainsTable, LossHeatmap, MergeTable, scoredModels } from './ExperimentTables';
import { report } from '../shared/report';
import { useStudioApi } from '../shared/studioContext';

function Section({ id, title, missing, children }: { id: string; title: string; missing?: string; children?: ReactNode }) {
  return (
    <section className="report-section" data-testid={`report-section-${id}`} data-empty={missing ? 'true' : undefined}>
      <h3>{title}</h3>
      {missing ? <p className="muted small-text">{missing}</p> : children}
    </section>
  );
}

export function ExperimentReportView({ id }: { id: string }) {
  const studio = useStudioApi();
  const version = useExperimentVersion(id);
  const status = version?.split('|')[0];
  const [data, setData] = useState<ExperimentReport>();
  // The record changes as every stage starts and ends, so this reloads as results arrive.
  useEffect(() => {
    if (!version) return;
    let current = true;
    void report(studio.experiments.report(id)).then((r) => {
      if (current && r) setData(r);
    });
    return () => {
      current = false;
    };
  }, [studio, id, version]);
  if (!version) return null;
  const r = data?.experimentId === id ? data : undefined;
  const waiting = status === 'running' ? 'it is still running' : status === 'completed' ? 'the experiment produced none' : `the experiment is ${status}; resume it to go on`;
  return (
    <div className="experiment-report" data-testid="experiment-report" data-id={id} data-loaded={r ? 'true' : 'false'}>
      <div className="report-head">
        <h3>Report <span className="muted">{r ? `${r.stages.filter((s) => s.status === 'reuse').length}/${r.stages.length} stages done` : 'loading…'}</span></h3>
        <ExperimentExport id={id} name={r?.name} />
      </div>
      <Section id="forgetting" title="Forgetting and learning against training FLOPs" missing={!r ? 'loading…' : r.curves.length ? undefined : `No adaptation curves yet: they appear once an adaptation run has evaluated its target and English loss; ${waiting}.`}>
        {r && <ExperimentCharts report={r} />}
      </Section>
      <Section id="gains" title="Gains at equal FLOPs" missing={!r ? 'loading…' : r.gains.length ? undefined : `No gains yet: they need the adaptation curves of a language, read at the FLOPs every scale reached; ${waiting}.`}>
        {r && <GainsTable report={r} />}
      </Section>
      <Section id="merges" title="Merges against their experts" missing={!r ? 'loading…' : scoredModels(r).length ? undefined : `No validation losses yet: they come from the evaluation stage, which runs after the merges; ${waiting}.`}>
        {r && <LossHeatmap report={r} />}
        {r && (r.mergeTable.length ? <MergeTable report={r} /> : <p className="muted small-text">No merge has been evaluated on its languages yet.</p>)}
      </Section>
      <Section id="findings" title="Findings: the paper's claims on this run" missing={!r ? 'loading…' : r.findings.length ? undefined : 'No findings yet.'}>
        {r && <Findings report={r} />}
      </Section>
    </div>
  );
}
