// GPU kernels: which path trains and scores (our WebGPU kernels or the stock tfjs ops, f32 or
// f16 storage for the linear layers, single kernels off), each kernel's parity against its CPU
// reference, and a per-kernel profile of one training step of a preset model — the same calls
// npm run bench makes, for a researcher who wants to see where the time goes on their GPU.
import { useEffect, useState } from 'react';
import type { StudioApi } from '../../state/studio';
import { report } from '../shared/report';
import { useStudioApi } from '../shared/studioContext';
import { TuningPanel } from './TuningPanel';

type Status = Awaited<ReturnType<StudioApi['kernels']>>;
type Parity = Awaited<ReturnType<StudioApi['checkKernelParity']>>;
type Profile = Awaited<ReturnType<StudioApi['profileTrainingStep']>>;

export function KernelsPanel() {
  const studio = useStudioApi();
  const [status, setStatus] = useState<Status>();
  useEffect(() => void report(studio.kernels()).then((s) => s && setStatus(s)), [studio]);

  async function choose(mode: Status['mode'], precision: Status['precision'], off: string[]) {
    const s = await report(studio.kernels(mode, { precision, off }));
    if (s) setStatus(s);
  }

  if (!status) return null;
  const { off } = status;
  const toggle = (id: string, on: boolean) => choose(status.mode, status.precision, on ? off.filter((k) => k !== id) : [...off, id]);
  return (
    <section className="panel" data-testid="kernels-panel">
      <h2>GPU kernels <span className="muted">for runs started afterwards; the stock path is tfjs's own ops</span></h2>
      <div className="actions">
        <label>path{' '}
          <select data-testid="kernels-mode" value={status.mode} onChange={(e) => void choose(e.target.value as Status['mode'], status.precision, off)}>
            <option value="studio">our kernels</option>
            <option value="stock">stock tfjs ops</option>
          </select>
        </label>
        <label>linear layers{' '}
          <select data-testid="kernels-precision" value={status.precision} disabled={status.mode === 'stock'} onChange={(e) => void choose(status.mode, e.target.value as Status['precision'], off)}>
            <option value="f32">f32</option>
            <option value="f16">f16 storage, f32 sums</option>
          </select>
        </label>
      </div>
      <table className="compare" data-testid="kernels-table">
        <thead><tr><th>kernel</th><th>on</th><th>in use</th><th>what it does</th></tr></thead>
        <tbody>
          {status.kernels.map((k) => (
            <tr key={k.id} data-kernel={k.id} data-active={k.active ? 'true' : 'false'}>
              <th>{k.id}</th>
              <td><input type="checkbox" aria-label={`use the ${k.id} kernel`} data-testid={`kernel-on-${k.id}`} checked={!off.includes(k.id)} disabled={status.mode === 'stock'} onChange={(e) => void toggle(k.id, e.target.checked)} /></td>
              <td>{k.active ? 'yes' : 'no'}</td>
              <td style={{ textAlign: 'left', whiteSpace: 'normal' }}>{k.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <TuningPanel />
      <div className="kernels-checks">
        <ParityCheck />
        <StepProfile />
      </div>
    </section>
  );
}

function ParityCheck() {
  const studio = useStudioApi();
  const [rows, setRows] = useState<Parity>();
  const [busy, setBusy] = useState(false);
  async function run() {
    setBusy(true);
    const r = await report(studio.checkKernelParity());
    if (r) setRows(r);
    setBusy(false);
  }
  return (
    <div>
      <div className="actions">
        <button data-testid="kernels-parity" disabled={busy} onClick={() => void run()}>{busy ? 'checking…' : 'Check every kernel against its CPU reference'}</button>
      </div>
      {rows && (
        <table className="compare" data-testid="kernels-parity-table">
          <thead><tr><th>kernel</th><th>max |ours − ref|</th><th>stock ops</th><th>tolerance</th><th /></tr></thead>
          <tbody>
            {rows.map((p) => (
              <tr key={p.kernel} data-kernel={p.kernel} data-ok={p.ok ? 'true' : 'false'}>
                <th>{p.kernel}</th>
                <td>{p.maxAbsDiff.toExponential(2)}</td>
                <td>{p.stockMaxAbsDiff.toExponential(2)}</td>
                <td>{p.tolerance.toExponential(0)}</td>
                <td className={p.ok ? '' : 'error-text'}>{p.ok ? 'ok' : 'FAILS'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {rows?.length === 0 && <p className="muted small-text">Our kernels run on WebGPU only; this backend has none to check.</p>}
    </div>
  );
}

/** Kernels shown from a profile: the slowest (or most frequent, without GPU timestamps) first. */
const TOP_KERNELS = 12;

function StepProfile() {
  const studio = useStudioApi();
  const presets = studio.presets();
  const [presetId, setPresetId] = useState(presets[0].id);
  const [profile, setProfile] = useState<Profile>();
  const [busy, setBusy] = useState(false);
  async function run() {
    const preset = presets.find((p) => p.id === presetId)!;
    setBusy(true);
    const r = await report(studio.profileTrainingStep({ config: preset.config, batchSize: 8, seqLen: Math.min(64, preset.config.max_position_embeddings) }));
    if (r) setProfile(r);
    setBusy(false);
  }
  return (
    <div>
      <div className="actions">
        <select aria-label="model to profile" data-testid="kernels-profile-preset" value={presetId} onChange={(e) => setPresetId(e.target.value)}>
          {presets.map((p) => <option key={p.id} value={p.id}>{p.id}</option>)}
        </select>
        <button data-testid="kernels-profile" disabled={busy} onClick={() => void run()}>{busy ? 'profiling…' : 'Profile one training step (8 × 64)'}</button>
      </div>
      {profile && (
        <table className="compare" data-testid="kernels-profile-table">
          <caption className="muted small-text">
            {profile.programs} tfjs programs + {profile.customDispatches} own dispatches, {profile.wallMs.toFixed(0)} ms wall, the step's own peak {(profile.addedPeakBytes / 1e6).toFixed(1)} MB
            {profile.timed ? '' : '; this adapter has no GPU timestamps: counts only'}
          </caption>
          <thead><tr><th>program</th><th>count</th><th>GPU ms</th></tr></thead>
          <tbody>
            {profile.kernels.slice(0, TOP_KERNELS).map((k) => (
              <tr key={k.name}><th>{k.name}</th><td>{k.count}</td><td>{k.ms !== undefined ? k.ms.toFixed(1) : '—'}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
