// The header: title, the running tfjs backend as a badge (with SIMD and threads on wasm), a choice
// between WebGPU, the WebAssembly backend and the CPU backend, and a banner when this browser has
// no WebGPU at all.
import type { BackendInfo, BackendName } from '../../worker/protocol';
import { BACKEND_NAMES } from '../../gpu/types';
import { useStudio } from '../../state/store';
import { report } from '../shared/report';
import { useStudioApi } from '../shared/studioContext';

const BACKEND_LABELS: Record<BackendName, string> = { webgpu: 'WebGPU', wasm: 'WebAssembly', cpu: 'CPU (plain JS)' };

/** "SIMD · 2 threads", what the wasm backend runs with. */
export function wasmSummary(info: BackendInfo): string | undefined {
  if (!info.wasm) return undefined;
  const { simd, threads } = info.wasm;
  return `${simd ? 'SIMD' : 'no SIMD'} · ${threads} ${threads === 1 ? 'thread' : 'threads'}`;
}

function badgeText(info: BackendInfo): string {
  const detail = info.adapter ?? wasmSummary(info);
  return detail ? `${info.name} · ${detail}` : info.name;
}

/** Why the wasm backend runs with what it has, or why the CPU backend runs instead of it. */
function badgeTitle(info: BackendInfo, error?: string): string | undefined {
  if (error) return error;
  if (info.wasm) {
    const isolation = info.wasm.crossOriginIsolated ? 'cross-origin isolated' : 'not cross-origin isolated (no SharedArrayBuffer, so one thread)';
    return `tfjs-backend-wasm, ${info.wasm.binary} binary; the page is ${isolation}`;
  }
  return info.wasmError ? `the WebAssembly backend did not start: ${info.wasmError}` : undefined;
}

export function BackendBar() {
  const studio = useStudioApi();
  const backend = useStudio((s) => s.backend);
  const training = useStudio((s) => (s.activeRunId ? s.runs[s.activeRunId]?.status : undefined));
  const busy = backend.starting || training === 'running' || training === 'paused';
  const info = backend.info;
  const badge = backend.starting ? 'starting…' : info ? badgeText(info) : 'no backend';
  return (
    <>
      <header className="topbar">
        <h1>Grow Up and Merge Studio</h1>
        <span className={`badge ${info?.name ?? 'none'}`} data-testid="backend" title={info ? badgeTitle(info, backend.error) : backend.error}>{badge}</span>
        {info && (
          <select aria-label="tfjs backend" data-testid="backend-choice" disabled={busy} value={info.name} onChange={(e) => void report(studio.setBackend(e.target.value as BackendName))}>
            {BACKEND_NAMES.map((name) => (
              <option key={name} value={name} disabled={(name === 'webgpu' && !info.webgpuAvailable) || (name === 'wasm' && info.wasmError !== undefined)}>
                {BACKEND_LABELS[name]}{(name === 'webgpu' && !info.webgpuAvailable) || (name === 'wasm' && info.wasmError) ? ' (not available)' : ''}
              </option>
            ))}
          </select>
        )}
        {backend.error && <span className="error-text">{backend.error}</span>}
      </header>
      {info && !info.webgpuAvailable && (
        <div className="banner" data-testid="no-webgpu">
          WebGPU is not available in this browser{info.webgpuError ? `: ${info.webgpuError.replace(/\.?$/, '.')}` : '.'}{' '}
          {info.name === 'wasm'
            ? `The studio runs on the WebAssembly backend (${wasmSummary(info)}), which suits the Tiny and Small presets.`
            : `The studio runs on the tfjs ${info.name} backend${info.wasmError ? ` (the WebAssembly backend did not start: ${info.wasmError})` : ''}, which is practical only for tiny models (the Tiny preset, short sequences, few steps).`}
        </div>
      )}
    </>
  );
}
