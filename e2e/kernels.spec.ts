// Our WebGPU kernels against their CPU references in the browser, and the same training run on
// the stock tfjs ops and on our kernels: equal losses to float rounding; with the linear layers'
// operands stored as f16, losses within f16 rounding.
import { expect, test } from '@playwright/test';
import { openStudio, showView, TINY_CONFIG, watchConsole } from './helpers';

test('every kernel matches its reference; stock and studio kernels train the same model alike', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  const r = await page.evaluate(async (config) => {
    const s = window.studio;
    // The kernel list as the engine reports it: the test names no kernel it does not test by name.
    const list = (await s.kernels()).kernels.map((k) => k.id);
    const parity = await s.checkKernelParity();
    // Each kernel of the list switched off alone: exactly it stops being active.
    const offAlone: Record<string, string[]> = {};
    for (const id of list) {
      const status = await s.kernels('studio', { off: [id] });
      offAlone[id] = status.kernels.filter((k) => !k.active).map((k) => k.id);
    }
    await s.kernels('studio');
    const base = await s.createModel({ name: 'kernel base', config, seed: 3 });
    const baseBefore = await s.validationLoss(base, 'eng-brown', { seqLen: 32, maxTokens: 512 });
    const losses: Record<string, number[]> = {};
    const valid: Record<string, number> = {};
    for (const mode of ['stock', 'studio', 'studio-f16'] as const) {
      const status = await s.kernels(mode === 'stock' ? 'stock' : 'studio', { precision: mode === 'studio-f16' ? 'f16' : 'f32' });
      const run = s.train({ from: base, data: [{ corpus: 'eng-brown', weight: 1 }], steps: 6, batchSize: 4, seqLen: 32, lr: 1e-2, clip: 0.5 });
      const id = await run.done;
      losses[mode] = run.metrics().map((m) => m.loss as number);
      valid[mode] = await s.validationLoss(id, 'eng-brown', { seqLen: 32, maxTokens: 512 });
      const active = status.kernels.filter((k) => k.active).map((k) => k.id);
      if (mode !== 'stock' && !active.includes('adamw')) throw new Error('adamw kernel not active on webgpu');
      if (mode === 'studio-f16' && (!active.includes('matmul-f16') || active.includes('matmul'))) throw new Error(`f16 precision should swap the matmul kernel, active: ${active.join(', ')}`);
    }
    const profiles: Record<string, Awaited<ReturnType<typeof s.profileTrainingStep>>> = {};
    for (const mode of ['stock', 'studio'] as const) {
      await s.kernels(mode);
      profiles[mode] = await s.profileTrainingStep({ config, batchSize: 2, seqLen: 16 });
    }
    await s.kernels('studio');
    const scoring = await s.profileScoringBatch({ config, batchSize: 4, seqLen: 16 });
    // Training in place must not touch the parent model the engine holds.
    const baseAfter = await s.validationLoss(base, 'eng-brown', { seqLen: 32, maxTokens: 512 });
    return { list, offAlone, parity, losses, valid, profiles, scoring, baseBefore, baseAfter, backend: (await s.backend()).name };
  }, TINY_CONFIG);
  expect(r.backend).toBe('webgpu');
  expect(r.baseAfter).toBe(r.baseBefore);
  // Every kernel of the list has its parity checked, in the list's order.
  expect(r.list.length).toBeGreaterThan(0);
  expect(r.parity.map((p) => p.kernel)).toEqual(r.list);
  // matmul-f16 is inactive at precision f32 whatever is switched off.
  for (const id of r.list) expect(r.offAlone[id].sort(), id).toEqual([...new Set([id, 'matmul-f16'])].sort());
  for (const p of r.parity) {
    console.log(`${p.kernel}: max |ours - reference| = ${p.maxAbsDiff.toExponential(2)} (stock ops ${p.stockMaxAbsDiff.toExponential(2)})`);
    expect(p.ok).toBe(true);
  }
  for (let i = 0; i < r.losses.stock.length; i++) expect(Math.abs(r.losses.studio[i] - r.losses.stock[i])).toBeLessThan(1e-3);
  expect(Math.abs(r.valid.studio - r.valid.stock)).toBeLessThan(1e-3);
  // f16 storage rounds x and W (relative 2^-11) in every product: the losses move, but little.
  const f16Gap = Math.max(...r.losses['studio-f16'].map((l, i) => Math.abs(l - r.losses.studio[i])));
  console.log(`f16 storage: largest loss difference from f32 over 6 steps ${f16Gap.toExponential(2)}`);
  expect(f16Gap).toBeLessThan(2e-2);
  // ...but they do move: the f16 path really rounded the operands.
  expect(f16Gap).toBeGreaterThan(0);
  expect(Math.abs(r.valid['studio-f16'] - r.valid.studio)).toBeLessThan(2e-2);
  // One scoring batch runs our forward kernels and none of the backward ones.
  const names = r.scoring.kernels.map((k) => k.name);
  expect(names).toContain('StudioMatMul');
  expect(names).toContain('StudioCausalAttention');
  expect(names.some((n) => n.includes('Grad'))).toBe(false);
  expect(r.losses.studio[5]).not.toBe(r.losses.studio[0]);
  // The fused step replaces about fifteen tfjs programs per parameter tensor with one dispatch.
  const { stock, studio } = r.profiles;
  console.log(`programs per step: stock ${stock.programs}, ours ${studio.programs} + ${studio.customDispatches} own dispatches`);
  expect(stock.customDispatches).toBe(0);
  expect(studio.customDispatches).toBeGreaterThan(0);
  expect(studio.programs + studio.customDispatches).toBeLessThan(stock.programs - 5 * studio.customDispatches);
  expect(errors).toEqual([]);
});

test('the GPU kernels panel switches paths and kernels, checks parity and profiles a step', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  await showView(page, 'gpu');
  const panel = page.getByTestId('kernels-panel');
  const row = (id: string) => panel.locator(`[data-testid="kernels-table"] tr[data-kernel="${id}"]`);
  await expect(row('matmul')).toHaveAttribute('data-active', 'true');
  await panel.getByTestId('kernels-precision').selectOption('f16');
  await expect(row('matmul-f16')).toHaveAttribute('data-active', 'true');
  await expect(row('matmul')).toHaveAttribute('data-active', 'false');
  // The boxes show the engine's state, so they change once it has answered.
  await panel.getByTestId('kernel-on-attention').click();
  await expect(panel.getByTestId('kernel-on-attention')).not.toBeChecked();
  await expect(row('attention')).toHaveAttribute('data-active', 'false');
  let status = await page.evaluate(() => window.studio.kernels());
  expect(status).toMatchObject({ mode: 'studio', precision: 'f16', off: ['attention'] });
  await panel.getByTestId('kernels-mode').selectOption('stock');
  await expect(panel.locator('tr[data-active="true"]')).toHaveCount(0);
  await panel.getByTestId('kernels-mode').selectOption('studio');
  await expect(row('matmul-f16')).toHaveAttribute('data-active', 'true');
  // Back on our kernels, f32 and every kernel on, as a fresh page has it.
  await panel.getByTestId('kernels-precision').selectOption('f32');
  await expect(row('matmul')).toHaveAttribute('data-active', 'true');
  await panel.getByTestId('kernel-on-attention').click();
  await expect(row('attention')).toHaveAttribute('data-active', 'true');
  status = await page.evaluate(() => window.studio.kernels());
  expect(status).toMatchObject({ mode: 'studio', precision: 'f32', off: [] });
  expect(status.kernels.filter((k) => !k.active).map((k) => k.id)).toEqual(['matmul-f16']);

  await panel.getByTestId('kernels-parity').click();
  const parity = panel.getByTestId('kernels-parity-table');
  await expect(parity.locator('tbody tr')).toHaveCount(status.kernels.length, { timeout: 5 * 60_000 });
  await expect(parity.locator('tr[data-ok="false"]')).toHaveCount(0);

  await panel.getByTestId('kernels-profile-preset').selectOption('tiny');
  await panel.getByTestId('kernels-profile').click();
  const profile = panel.getByTestId('kernels-profile-table');
  await expect(profile.locator('tbody th', { hasText: 'StudioMatMul' })).toBeVisible({ timeout: 5 * 60_000 });
  await expect(profile.locator('caption')).toContainText('own dispatches');
  expect(errors).toEqual([]);
});

test('merges in any order on one page equal their CPU reference (no pipeline state leaks between merges)', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  const config = { hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1, max_position_embeddings: 16 };
  const methods = (await page.evaluate((c) => window.studio.checkMergeParity(c, 1), config)).map((r) => r.method);
  // Every method with its defaults, plus the variants that change which parts of the fused merge
  // program run (density 1 turns DARE's random drop and TIES's trim off; normalize and mixed
  // densities change its uniforms): issue 15's dare_linear (density 1) then task_arithmetic gave
  // a wrong task_arithmetic in most entries, and the reverse order gave non-finite values.
  const ones = [{ density: 1 }, { density: 1 }, { density: 1 }];
  const variants = [
    { method: 'dare_linear', models: ones },
    { method: 'task_arithmetic' },
    { method: 'dare_ties', models: ones },
    { method: 'ties', models: ones },
    { method: 'ties', models: [{ density: 0.3 }, { density: 0.7, weight: 0.5 }, { density: 1 }], params: { normalize: false, lambda: 0.8 } },
    { method: 'dare_linear', models: [{ density: 0.5 }, { density: 1 }, { density: 0.25 }], params: { seed: 5 } },
    { method: 'breadcrumbs', models: [{ density: 0.6, gamma: 0.05 }, { density: 1, gamma: 0 }, { density: 0.8, gamma: 0.1 }] },
  ];
  const forward = [...variants, ...methods.map((method) => ({ method }))];
  const rand = (() => { let s = 7; return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648); })();
  const shuffled = [...forward].sort(() => rand() - 0.5);
  const runs = [...forward, ...[...forward].reverse(), ...shuffled];
  const report = await page.evaluate(([c, r]) => window.studio.checkMergeParity(c, 1, r), [config, runs] as const);
  expect(report).toHaveLength(runs.length);
  const worst = report.map((r, i) => ({ i, label: `${i}: ${r.method} ${JSON.stringify(r.models ?? '')} ${JSON.stringify(r.params ?? '')}`, d: r.maxAbsDiff, diag: r.diagnosticsDiff }));
  for (const w of worst) {
    expect(w.d, w.label).toBeLessThan(1e-6);
    expect(w.diag, w.label).toBeLessThan(1e-6);
  }
  console.log(`${runs.length} merges in three orders: largest |WebGPU - CPU| ${Math.max(...worst.map((w) => w.d)).toExponential(2)}`);
  expect(errors).toEqual([]);
});
