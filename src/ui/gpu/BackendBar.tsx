// The header: title, the running tfjs backend as a badge, a switch between WebGPU and the CPU
// backend, and a banner when this browser has no WebGPU at all.
import { useStudio } from '../../state/store';
import { report } from '../shared/report';
import { useStudioApi } from '../shared/studioContext';

export function BackendBar() {
  const studio = useStudioApi();
  const backend = useStudio((s) => s.backend);
  const training = useStudio((s) => (s.activeRunId ? s.runs[s.activeRunId]?.status : undefined));
  const busy = backend.starting || training === 'running' || training === 'paused';
  const info = backend.info;
  const badge = backend.starting ? 'starting…' : info ? (info.adapter ? `${info.name} · ${info.adapter}` : info.name) : 'no backend';
  return (
    <>
      <header className="topbar">
        <h1>Grow Up and Merge Studio</h1>
        <span className={`badge ${info?.name ?? 'none'}`} data-testid="backend" title={backend.error}>{badge}</span>
        {info?.name === 'cpu' && info.webgpuAvailable && (
          <button data-testid="backend-webgpu" disabled={busy} onClick={() => void report(studio.setBackend('webgpu'))}>Switch back to WebGPU</button>
        )}
        {info?.name === 'webgpu' && (
          <button className="small" data-testid="backend-cpu" disabled={busy} onClick={() => void report(studio.setBackend('cpu'))}>use CPU backend</button>
        )}
        {backend.error && <span className="error-text">{backend.error}</span>}
      </header>
      {info && !info.webgpuAvailable && (
        <div className="banner" data-testid="no-webgpu">
          WebGPU is not available in this browser{info.webgpuError ? `: ${info.webgpuError.replace(/\.?$/, '.')}` : '.'} The studio runs on the tfjs CPU
          backend, which is practical only for tiny models (the Tiny preset, short sequences, few steps).
        </div>
      )}
    </>
  );
}
