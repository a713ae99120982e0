// The kernel tuner's choices on this adapter: per tuned kernel and shape bucket, each candidate's
// measured time (GPU timestamps or wall time), whether it passed parity here, and the one chosen.
// Timing a preset's shapes (512 tokens per pass) fills the table; re-timing forces every shape.
import { useEffect, useState } from 'react';
import { defaultTuneSeqLen } from '../../gpu/autotune/table';
import type { StudioApi } from '../../state/studio';
import { report } from '../shared/report';
import { useStudioApi } from '../shared/studioContext';

type Tuning = Awaited<ReturnType<StudioApi['kernelTuning']>>;
type Policy = Tuning['policy'];

const TOKENS = 512;

type Shape = Tuning['entries'][number]['shape'];

/** A shape as timed: a product's m×k×n, a row kernel's rows×cols, attention's sequences×length and heads. */
function shapeText(s: Shape): string {
  if (s.kernel === 'matmul') return `${s.m}×${s.k}×${s.n}`;
  if (s.kernel === 'attention') return `${s.batch}×${s.seqLen} tokens, ${s.queryHeads}/${s.kvHeads} heads of ${s.headDim}`;
  return `${s.rows}×${s.cols}`;
}

export function TuningPanel() {
  const studio = useStudioApi();
  const presets = studio.presets();
  const [presetId, setPresetId] = useState(presets.find((p) => p.id === 'base-1m')?.id ?? presets[0].id);
  const [tuning, setTuning] = useState<Tuning>();
  const [busy, setBusy] = useState(false);
  const [lastMs, setLastMs] = useState<number>();
  useEffect(() => void report(studio.kernelTuning()).then((t) => t && setTuning(t)), [studio]);

  async function tune(force: boolean) {
    setBusy(true);
    const preset = presets.find((p) => p.id === presetId)!;
    const r = await report(studio.tuneKernels({ config: preset.config, tokens: TOKENS, force }));
    if (r) setLastMs(r.ms);
    const t = await report(studio.kernelTuning());
    if (t) setTuning(t);
    setBusy(false);
  }

  async function setPolicy(policy: Policy) {
    const t = await report(studio.kernelTuning({ policy }));
    if (t) setTuning(t);
  }

  if (!tuning) return null;
  const gpu = tuning.adapter !== undefined;
  return (
    <div data-testid="tuning-panel">
      <h3>Kernel choice per shape <span className="muted">{gpu ? `on ${tuning.adapter}` : 'needs the webgpu backend'}</span></h3>
      {gpu && (
        <p className="muted small-text" data-testid="tuning-features">
          device features: subgroups {tuning.features.subgroups ? `yes (size ${tuning.features.subgroupMinSize}–${tuning.features.subgroupMaxSize})` : 'no'}, shader-f16 {tuning.features.shaderF16 ? 'yes' : 'no'}, timestamp-query {tuning.features.timestampQuery ? 'yes' : 'no'}
        </p>
      )}
      <div className="actions tuning-actions">
        <select aria-label="model whose shapes to time" data-testid="tuning-preset" value={presetId} onChange={(e) => setPresetId(e.target.value)}>
          {presets.map((p) => <option key={p.id} value={p.id}>{p.id}</option>)}
        </select>
        <button data-testid="tuning-run" disabled={busy || !gpu} onClick={() => void tune(false)}>{busy ? 'timing…' : `Time the candidates (${TOKENS} tokens, sequences of ${defaultTuneSeqLen(TOKENS)})`}</button>
        <button data-testid="tuning-force" disabled={busy || !gpu} onClick={() => void tune(true)}>Re-time</button>
        <label>runs tune first{' '}
          <select data-testid="tuning-policy" value={tuning.policy} disabled={busy || !gpu} onChange={(e) => void setPolicy(e.target.value as Policy)}>
            <option value="auto">auto (hardware GPUs, 1 GFLOP per pass and up)</option>
            <option value="on">always</option>
            <option value="off">never</option>
          </select>
        </label>
      </div>
      {lastMs !== undefined && <p className="muted small-text">last tune took {(lastMs / 1000).toFixed(1)} s</p>}
      {tuning.entries.length > 0 ? (
        <table className="compare" data-testid="tuning-table">
          <caption className="muted small-text">median of the calls, GPU timestamps unless marked wall; * timed once, as that call already took 4× the best</caption>
          <thead><tr><th>kernel and shape bucket</th><th>timed at</th><th>candidates (median ms)</th><th>chosen</th></tr></thead>
          <tbody>
            {tuning.entries.map((e) => (
              <tr key={e.bucket} data-bucket={e.bucket} data-chosen={e.chosen}>
                <th>{e.bucket}</th>
                <td>{shapeText(e.shape)}</td>
                <td style={{ textAlign: 'left' }}>
                  {e.timings.map((t) => (
                    <span key={t.candidate} data-candidate={t.candidate} className={t.candidate === e.chosen ? '' : 'muted'} title={t.error ?? (!t.parityOk ? 'failed parity on this device' : t.cut ? 'timed once: that call already took 4× the best' : `${t.timer} time`)}>
                      {t.candidate} {t.ms !== undefined ? `${t.ms.toFixed(2)}${t.cut ? '*' : ''}${t.timer === 'wall' ? ' (wall)' : ''}` : '—'}{t.parityOk || t.ms === undefined ? '' : ' ✗parity'}{'  '}
                    </span>
                  ))}
                </td>
                <td>{e.chosen}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : gpu && <p className="muted small-text">Nothing timed on this adapter yet: the tuned kernels use their defaults.</p>}
    </div>
  );
}
