// Kernels that choose themselves, on SwiftShader: the tuner times every candidate of each tuned
// kernel at the base-1m model's shapes (512 tokens per pass), every candidate passes its parity
// check, the choice per shape is the fastest measured in that run, the choices survive a reload
// without re-timing, and training with the tuned choice gives the stock path's losses. The
// choice is really applied: a step's programs are those of the chosen candidates (matmul and attention).
import { expect, test } from '@playwright/test';
import { openStudio, showView, TINY_CONFIG, watchConsole } from './helpers';

test('tuning times every candidate, chooses the fastest that passes parity, keeps it across a reload, and trains like the stock path', async ({ page }) => {
  test.setTimeout(20 * 60_000);
  const errors = watchConsole(page);
  await openStudio(page);
  const first = await page.evaluate(async () => {
    const s = window.studio;
    const before = await s.kernelTuning({ clear: true });
    const base = s.presets().find((p) => p.id === 'base-1m')!.config;
    const report = await s.tuneKernels({ config: base, tokens: 512, reps: 3 });
    const status = await s.kernels();
    return { before, report, status };
  });
  const { before, report, status } = first;
  expect(before.adapter).toMatch(/swiftshader/i);
  expect(before.entries).toEqual([]);
  console.log(`features: ${JSON.stringify(before.features)}; tuning took ${(report.ms / 1000).toFixed(1)} s`);
  // SwiftShader offers subgroups (so the subgroup layout is a candidate) and no shader-f16.
  expect(before.features.subgroups).toBe(true);
  expect(report.unavailable).toEqual([]);
  // Every candidate of every tuned kernel passed parity on this device.
  expect(report.parity.map((p) => p.kernel).sort()).toEqual(['attention:fused', 'attention:tfjs', 'cross-entropy:subgroup', 'cross-entropy:thread', 'cross-entropy:workgroup', 'matmul:blocked', 'matmul:tfjs', 'matmul:tiled', 'rmsnorm:subgroup', 'rmsnorm:thread', 'rmsnorm:workgroup']);
  for (const p of report.parity) expect(p.ok, `${p.kernel}: ${p.maxAbsDiff} > ${p.tolerance}`).toBe(true);
  // base-1m at 512 tokens: 15 matmul products, the two row kernels and attention (4 x 128), each timed now.
  expect(report.entries).toHaveLength(18);
  for (const e of report.entries) {
    expect(e.timedNow).toBe(true);
    const times = e.timings.map((t) => {
      expect(t.ms, `${e.bucket} ${t.candidate}: ${t.error}`).toBeGreaterThan(0);
      // Three calls, or one that already took 4x the best so far (it cannot win).
      expect(t.samples).toHaveLength(t.cut ? 1 : 3);
      expect(t.parityOk).toBe(true);
      return [t.candidate, t.ms!] as const;
    });
    const fastest = times.reduce((a, b) => (b[1] < a[1] ? b : a));
    console.log(`${e.bucket.padEnd(26)} ${e.timings.map((t) => `${t.candidate} ${t.ms!.toFixed(2)}${t.cut ? '*' : ''}`).join('  ').padEnd(60)} -> ${e.chosen} (${e.timings[0].timer})`);
    expect(e.chosen).toBe(fastest[0]);
    expect(e.timings.find((t) => t.candidate === e.chosen)?.cut).toBeUndefined();
  }
  // kernels() shows the table the engine computes with.
  expect(status.tuning.entries.map((e) => [e.bucket, e.chosen]).sort()).toEqual(report.entries.map((e) => [e.bucket, e.chosen]).sort());

  // A reload loads the stored table: the same choices, not re-timed.
  await page.reload();
  await page.evaluate(() => window.studio.ready);
  const after = await page.evaluate(async () => {
    const s = window.studio;
    const stored = await s.kernelTuning();
    const base = s.presets().find((p) => p.id === 'base-1m')!.config;
    const again = await s.tuneKernels({ config: base, tokens: 512, reps: 3 });
    return { stored, again };
  });
  const key = (es: { bucket: string; chosen: string; tunedAt: number }[]) => es.map((e) => `${e.bucket}=${e.chosen}@${e.tunedAt}`).sort();
  expect(key(after.stored.entries)).toEqual(key(report.entries));
  expect(after.again.entries.every((e) => !e.timedNow)).toBe(true);
  expect(key(after.again.entries)).toEqual(key(report.entries));
  expect(after.again.parity).toEqual([]); // nothing timed, so no candidate was even checked

  // The tiny model's shapes tuned, then the same training on the stock ops and with the choice.
  const run = await page.evaluate(async (config) => {
    const s = window.studio;
    const tuned = await s.tuneKernels({ config, tokens: 4 * 32, seqLen: 32, reps: 3 });
    const base = await s.createModel({ name: 'tuned base', config, seed: 3 });
    const losses: Record<string, number[]> = {};
    for (const mode of ['stock', 'studio'] as const) {
      await s.kernels(mode);
      const r = s.train({ from: base, data: [{ corpus: 'eng-brown', weight: 1 }], steps: 6, batchSize: 4, seqLen: 32, lr: 1e-2, clip: 0.5 });
      await r.done;
      losses[mode] = r.metrics().map((m) => m.loss as number);
    }
    const profile = await s.profileTrainingStep({ config, batchSize: 4, seqLen: 32 });
    return { tuned, losses, programs: profile.kernels.map((k) => k.name) };
  }, TINY_CONFIG);
  for (const e of run.tuned.entries) console.log(`tiny ${e.bucket}: ${e.timings.map((t) => `${t.candidate} ${t.ms?.toFixed(2)}`).join('  ')} -> ${e.chosen}`);
  expect(run.losses.studio).toHaveLength(6);
  for (let i = 0; i < 6; i++) expect(Math.abs(run.losses.studio[i] - run.losses.stock[i])).toBeLessThan(1e-3);
  // The step ran the chosen matmul kernels, and no unchosen one of ours.
  const chosen = new Set(run.tuned.entries.filter((e) => e.shape.kernel === 'matmul').map((e) => e.chosen));
  expect(run.programs.includes('StudioMatMulTiled')).toBe(chosen.has('tiled'));
  expect(run.programs.includes('StudioMatMul')).toBe(chosen.has('blocked'));
  // And the chosen attention at the run's own shape (4 sequences of 32): ours, or tfjs's composed ops.
  const attention = run.tuned.entries.find((e) => e.shape.kernel === 'attention');
  expect(attention?.bucket).toBe('attention 4x32 4/2x8');
  expect(run.programs.includes('StudioCausalAttention')).toBe(attention?.chosen === 'fused');

  // Scoring tunes too where the policy says so: a validation loss at 3 windows of 16 tokens times
  // that batch's shapes (buckets of 4 x 16 = 64 rows) before it scores; with the policy off it does not.
  const scored = await page.evaluate(async (config) => {
    const s = window.studio;
    const id = await s.createModel({ name: 'scored', config, seed: 4 });
    const buckets = async () => (await s.kernelTuning()).entries.map((e) => e.bucket);
    await s.kernelTuning({ policy: 'off' });
    await s.validationLoss(id, 'eng-brown', { seqLen: 16, maxTokens: 48 });
    const off = await buckets();
    await s.kernelTuning({ policy: 'on' });
    const loss = await s.validationLoss(id, 'eng-brown', { seqLen: 16, maxTokens: 48 });
    const on = await buckets();
    await s.kernelTuning({ policy: 'auto' });
    return { off, on, loss };
  }, TINY_CONFIG);
  expect(scored.off).not.toContain('attention 4x16 4/2x8');
  expect(scored.on).toContain('attention 4x16 4/2x8');
  expect(scored.on).toContain('rmsnorm 64x32');
  expect(Number.isFinite(scored.loss)).toBe(true);
  expect(errors).toEqual([]);
});

test('tuneKernels and kernelTuning refuse bad input by name; the GPU panel times a preset and re-times', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  const refusals = await page.evaluate(async () => {
    const s = window.studio;
    const bad: unknown[] = [
      { tokens: 0 },
      { shapes: [] },
      { shapes: [{ kernel: 'conv' }] },
      { shapes: [{ kernel: 'matmul', m: 4, k: 4 }] },
      { shapes: [{ kernel: 'rmsnorm', rows: 4, cols: 4 }], tokens: 4 },
      { tokens: 64, seqLen: 128 },
      { force: 'yes' },
      { speed: 1 },
    ];
    const out: string[] = [];
    for (const b of bad) out.push(await s.tuneKernels(b as never).then(() => 'accepted', (e: Error) => e.message));
    out.push(await s.kernelTuning({ policy: 'sometimes' as never }).then(() => 'accepted', (e: Error) => e.message));
    return out;
  });
  expect(refusals).toEqual([
    'tuneKernels: tokens must be an integer from 1 to 65536, got 0',
    'tuneKernels: shapes must be a non-empty list of {kernel, ...sizes}',
    'shapes[0].kernel must be one of matmul, rmsnorm, cross-entropy, attention, got "conv"',
    'shapes[0].n must be an integer from 1 to 65536, got undefined',
    'tuneKernels: give shapes, or config and tokens (and seqLen), not both',
    'tuneKernels: seqLen must be an integer from 1 to the 64 tokens per pass, got 128',
    'tuneKernels: force must be true or false, got "yes"',
    'tuneKernels: unknown option(s) speed; allowed: shapes, config, tokens, seqLen, force, reps',
    'kernelTuning: policy must be one of auto, on, off, got "sometimes"',
  ]);

  await showView(page, 'gpu');
  const panel = page.getByTestId('tuning-panel');
  await expect(panel.getByTestId('tuning-features')).toContainText('subgroups yes');
  await panel.getByTestId('tuning-preset').selectOption('tiny');
  await panel.getByTestId('tuning-run').click();
  const rows = panel.locator('[data-testid="tuning-table"] tbody tr');
  await expect(rows.first()).toBeVisible({ timeout: 10 * 60_000 });
  const count = await rows.count();
  expect(count).toBeGreaterThan(10);
  const stamps = async () => (await page.evaluate(() => window.studio.kernelTuning())).entries.map((e) => e.tunedAt);
  const first = await stamps();
  // Every row names its choice among its candidates.
  for (let i = 0; i < count; i++) {
    const chosen = await rows.nth(i).getAttribute('data-chosen');
    await expect(rows.nth(i).locator(`[data-candidate="${chosen}"]`)).toHaveCount(1);
  }
  await panel.getByTestId('tuning-force').click();
  await expect.poll(async () => (await stamps()).every((t, i) => t > first[i]), { timeout: 10 * 60_000 }).toBe(true);
  await expect(rows).toHaveCount(count);
  await panel.getByTestId('tuning-policy').selectOption('off');
  await expect.poll(async () => (await page.evaluate(() => window.studio.kernelTuning())).policy).toBe('off');
  expect(errors).toEqual([]);
});
