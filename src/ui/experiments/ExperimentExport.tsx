// Downloads of an experiment's report files, picked from studio.experiments.exportReport by name:
// the HTML report, JSON, CSV, the chart PNGs, and the scale-out folder (nanotron and mergekit
// configs, tokenizer, corpora, prepare_data.py, SCALE_OUT.md) as one zip, since its commands
// name files by their paths in that folder.
import { useState } from 'react';
import { downloadBlob } from '../shared/download';
import { zipBundle } from '../../core/checkpoint/exportBundle';
import { SCALE_OUT_PATHS } from '../../core/experiment/scaleOut';
import { slugify } from '../../core/fileNames';
import { report } from '../shared/report';
import { useStudioApi } from '../shared/studioContext';

interface Group {
  id: 'html' | 'json' | 'csv' | 'png' | 'scaleout';
  label: string;
  title: string;
  pick: (name: string) => boolean;
}

const GROUPS: Group[] = [
  { id: 'html', label: 'HTML report', title: 'report.html: self-contained, charts inline', pick: (n) => n === 'report.html' },
  { id: 'json', label: 'JSON', title: 'report.json: every number of the report', pick: (n) => n === 'report.json' },
  { id: 'csv', label: 'CSV', title: 'report.csv: one value a row, for pandas or R', pick: (n) => n === 'report.csv' },
  { id: 'png', label: 'Charts (PNG)', title: 'charts/*.png', pick: (n) => n.startsWith('charts/') && n.endsWith('.png') },
  { id: 'scaleout', label: 'Scale-out folder (.zip)', title: 'one zip: nanotron/*.yaml per training run, mergekit/*.yaml per merge, tokenizer/, data/*.txt, prepare_data.py, SCALE_OUT.md (the commands, in order)', pick: (n) => SCALE_OUT_PATHS.some((p) => (p.endsWith('/') ? n.startsWith(p) : n === p)) },
];

const TYPES: Record<string, string> = { html: 'text/html', json: 'application/json', csv: 'text/csv', png: 'image/png', svg: 'image/svg+xml', yaml: 'text/yaml', md: 'text/markdown' };

/** `name` (the experiment's) prefixes every file, so ten downloaded reports are not ten report.html. */
export function ExperimentExport({ id, name }: { id: string; name?: string }) {
  const studio = useStudioApi();
  const [busy, setBusy] = useState<Group['id']>();
  const save = async (g: Group) => {
    setBusy(g.id);
    const files = await report(studio.experiments.exportReport(id));
    setBusy(undefined);
    // Folders flatten into the name: charts/forgetting.png of "Quick demo" downloads as quick-demo-charts-forgetting.png.
    const prefix = slugify(name ?? '', 'experiment');
    const picked = (files ?? []).filter((x) => g.pick(x.name));
    if (g.id === 'scaleout') {
      const folder = `${prefix}-scale-out`;
      if (picked.length) downloadBlob(`${folder}.zip`, new Blob([zipBundle(folder, picked, new Date()) as Uint8Array<ArrayBuffer>], { type: 'application/zip' }));
      return;
    }
    for (const f of picked) {
      const type = TYPES[f.name.split('.').pop() ?? ''] ?? 'application/octet-stream';
      downloadBlob(`${prefix}-${f.name.replace(/\//g, '-')}`, new Blob([f.bytes as Uint8Array<ArrayBuffer>], { type }));
    }
  };
  return (
    <div className="actions experiment-export">
      <span className="label">export</span>
      {GROUPS.map((g) => (
        <button key={g.id} className="small" data-testid={`report-export-${g.id}`} title={g.title} disabled={!!busy} onClick={() => void save(g)}>
          {busy === g.id ? 'Preparing…' : g.label}
        </button>
      ))}
    </div>
  );
}
