// Recompute and gradient accumulation on WebGPU (SwiftShader in CI): two training steps of a tiny
// model with recompute on equal the steps with it off (losses, gradient norms, weights after the
// steps), and a batch of 4 in passes of 2 equals the batch in one pass, with our kernels and with
// tfjs's stock ones. Each comparison is shown to see a difference: a run at a 5 % higher lr
// changes the weights by far more than the tolerance, and recompute on visibly changes the
// step (more programs, a lower peak), so "equal" is not the same run twice.
import { expect, test } from '@playwright/test';
import { openStudio, TINY_CONFIG, watchConsole } from './helpers';

/**
 * Float tolerances. Recompute runs the same ops on the same values, and accumulation adds two
 * halves' gradients instead of one mean: both reorder float32 sums only. Measured here on
 * SwiftShader: see the log line of each comparison.
 */
const LOSS_TOLERANCE = 1e-5;
const GRAD_NORM_RELATIVE = 1e-4;
/**
 * The weights are compared by what the two steps changed: |Δw_a − Δw_b| / |Δw_a| over all
 * tensors (L2). Not the largest single difference: AdamW's update lr·m/(√v + ε) divides by the
 * gradient's own size, so a weight whose gradient is near zero turns a float32 rounding of it into
 * an update difference up to lr (measured: 1.2e-5 at lr 1e-2 with micro-batches), while the
 * update as a whole moves by rounding only.
 */
const UPDATE_RELATIVE = 1e-3;

const CONFIG = { ...TINY_CONFIG, num_hidden_layers: 3 };

test('recompute on equals off and micro-batches equal the full batch on webgpu, with studio and stock kernels', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  const r = await page.evaluate(async (config) => {
    const s = window.studio;
    s.checkpoints.storageDtype('F32'); // the weights compared are the trained F32 values
    const base = await s.createModel({ name: 'recompute parity', config, seed: 11 });
    /** The F32 tensors of a checkpoint's exported safetensors, by name. */
    async function weightsOf(id: string): Promise<Record<string, Float32Array>> {
      const file = (await s.exportCheckpoint(id, { dtype: 'F32' })).find((f) => f.name === 'model.safetensors')!;
      const bytes = file.bytes;
      const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
      const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, { dtype: string; data_offsets: [number, number] }>;
      const out: Record<string, Float32Array> = {};
      for (const [name, t] of Object.entries(header)) {
        if (name === '__metadata__') continue;
        if (t.dtype !== 'F32') throw new Error(`${name} is ${t.dtype}`);
        out[name] = new Float32Array(bytes.slice(8 + n + t.data_offsets[0], 8 + n + t.data_offsets[1]).buffer);
      }
      return out;
    }
    async function trainTwo(step: Record<string, unknown>) {
      const run = s.train({ from: base, data: [{ corpus: 'eng-brown', weight: 1 }], steps: 2, batchSize: 4, seqLen: 32, lr: 1e-2, clip: 0, warmupSteps: 0, schedule: 'constant', ...step });
      const id = await run.done;
      const points = run.metrics().filter((m) => m.loss !== null);
      const weights = await weightsOf(id);
      await s.checkpoints.delete(id);
      return { loss: points.map((p) => p.loss as number), gradNorm: points.map((p) => p.gradNorm), weights };
    }
    type Trained = Awaited<ReturnType<typeof trainTwo>>;
    const initial = await weightsOf(base);
    /** How far two runs are apart: the largest loss and relative grad-norm difference, the weights' change apart relative to the change, and the largest weight difference. */
    function apart(a: Trained, b: Trained) {
      let weight = 0;
      let apartSq = 0;
      let changeSq = 0;
      for (const [name, w] of Object.entries(a.weights)) {
        const v = b.weights[name];
        const w0 = initial[name];
        for (let i = 0; i < w.length; i++) {
          weight = Math.max(weight, Math.abs(w[i] - v[i]));
          apartSq += (w[i] - v[i]) ** 2;
          changeSq += (w[i] - w0[i]) ** 2;
        }
      }
      return {
        steps: [a.loss.length, b.loss.length],
        loss: Math.max(...a.loss.map((x, i) => Math.abs(x - b.loss[i]))),
        gradNorm: Math.max(...a.gradNorm.map((x, i) => Math.abs(x - b.gradNorm[i]) / x)),
        update: Math.sqrt(apartSq / changeSq),
        weight,
      };
    }
    const results: Record<string, Record<string, ReturnType<typeof apart>>> = {};
    const profiles: Record<string, { programs: number; addedPeakBytes: number }> = {};
    for (const mode of ['studio', 'stock'] as const) {
      await s.kernels(mode);
      const off = await trainTwo({ recompute: 'off' });
      const on = await trainTwo({ recompute: 'on' });
      const micro = await trainTwo({ recompute: 'off', microBatch: 2 });
      const microOn = await trainTwo({ recompute: 'on', microBatch: 2 });
      const control = await trainTwo({ recompute: 'off', lr: 1.05e-2 });
      results[mode] = { recompute: apart(off, on), microBatch: apart(off, micro), microBatchRecompute: apart(off, microOn), control: apart(off, control) };
      for (const recompute of ['off', 'on'] as const) {
        const p = await s.profileTrainingStep({ config, batchSize: 4, seqLen: 32, recompute });
        profiles[`${mode} ${recompute}`] = { programs: p.programs, addedPeakBytes: p.addedPeakBytes };
      }
    }
    await s.kernels('studio');
    return { results, profiles, backend: (await s.backend()).name };
  }, CONFIG);
  expect(r.backend).toBe('webgpu');
  for (const [mode, comparisons] of Object.entries(r.results)) {
    for (const [what, d] of Object.entries(comparisons)) {
      console.log(`${mode} kernels, ${what}: |Δloss| ≤ ${d.loss.toExponential(2)}, |Δgrad norm|/norm ≤ ${d.gradNorm.toExponential(2)}, |Δupdate|/|update| = ${d.update.toExponential(2)}, largest |Δweight| ${d.weight.toExponential(2)} after 2 steps`);
      expect(d.steps, `${mode} ${what}: two training steps each`).toEqual([2, 2]);
      if (what === 'control') continue;
      expect(d.loss, `${mode} ${what}: loss`).toBeLessThan(LOSS_TOLERANCE);
      expect(d.gradNorm, `${mode} ${what}: gradient norm`).toBeLessThan(GRAD_NORM_RELATIVE);
      expect(d.update, `${mode} ${what}: weights after 2 steps`).toBeLessThan(UPDATE_RELATIVE);
    }
    // The comparisons see a difference: 5 % more lr moves the weights by far more than the tolerance,
    // and the second step's loss (after one update) too.
    expect(comparisons.control.update, `${mode}: control`).toBeGreaterThan(20 * UPDATE_RELATIVE);
    expect(comparisons.control.loss, `${mode}: control loss`).toBeGreaterThan(LOSS_TOLERANCE);
  }
  // Recompute is really on in the runs said to have it: the step runs the layers' forward again
  // (more programs) and holds less at its peak, with either kernel set.
  for (const mode of ['studio', 'stock']) {
    const off = r.profiles[`${mode} off`];
    const on = r.profiles[`${mode} on`];
    console.log(`${mode} kernels, one step of 4 × 32: recompute off ${off.programs} programs, peak +${off.addedPeakBytes} B; on ${on.programs} programs, peak +${on.addedPeakBytes} B`);
    expect(on.programs, mode).toBeGreaterThan(off.programs);
    expect(on.addedPeakBytes, mode).toBeLessThan(off.addedPeakBytes);
  }
  expect(errors).toEqual([]);
});
