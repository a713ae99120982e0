// Merging in the browser: two tiny experts grown from one base on two languages, merged with
// TIES; the merged checkpoint lists its lineage and sits next to its experts in the heatmap.
import { expect, test } from '@playwright/test';
import { openStudio, showView, TINY_CONFIG, watchConsole } from './helpers';

test('TIES-merge two language experts: lineage, diagnostics, mergekit YAML, heatmap', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  const r = await page.evaluate(async (config) => {
    const s = window.studio;
    const base = await s.createModel({ name: 'merge base', config, seed: 8 });
    const english = await s.train({ from: base, name: 'merge english', data: [{ corpus: 'eng-brown', weight: 1 }], steps: 10, batchSize: 8, seqLen: 32, lr: 5e-3 }).done;
    const isl = await s.adapt({ from: english, target: 'udhr-isl', steps: 8, batchSize: 8, seqLen: 32, lr: 5e-3, name: 'expert isl', evalSuites: [], evalEvery: 8 }).done;
    const fao = await s.adapt({ from: english, target: 'udhr-fao', steps: 8, batchSize: 8, seqLen: 32, lr: 5e-3, name: 'expert fao', evalSuites: [], evalEvery: 8 }).done;
    const request = { method: 'ties', base: english, models: [{ id: isl, weight: 1, density: 0.5 }, { id: fao, weight: 1, density: 0.5 }], params: { normalize: true } };
    const diagnostics = await s.mergeDiagnostics(request);
    const merged = await s.merge({ ...request, name: 'isl+fao ties' });
    const yaml = s.mergekit.export(merged);
    const parsed = s.mergekit.parse(yaml);
    const again = await s.mergekit.run(yaml, {}, 'isl+fao ties (from YAML)');
    return { english, isl, fao, merged, diagnostics, yaml, parsed, manifest: await s.checkpoints.get(merged), manifestAgain: await s.checkpoints.get(again) };
  }, TINY_CONFIG);

  expect(r.manifest.parents).toEqual([r.english, r.isl, r.fao]);
  expect(r.manifest.merge!.method).toBe('ties');
  expect(r.manifest.merge!.models.map((m) => m.params)).toEqual([{ weight: 1, density: 0.5 }, { weight: 1, density: 0.5 }]);
  expect(r.diagnostics.length).toBe(r.manifest.merge!.diagnostics.length);
  for (const d of r.manifest.merge!.diagnostics) {
    expect(d.disagreeAfter).toBe(0);
    expect(d.kept).toBeLessThanOrEqual(0.5 + 1e-6);
  }
  expect(r.yaml).toContain('merge_method: ties');
  expect(r.yaml).toContain('base_model: merge english');
  expect(Object.values(r.parsed.mapping)).toEqual([r.english, r.isl, r.fao]);
  expect(r.manifestAgain.merge!.models).toEqual(r.manifest.merge!.models);
  await expect(page.getByTestId('checkpoint-row').filter({ hasText: 'isl+fao ties' }).first()).toBeVisible();

  // Same merge twice gives the same weights: scores agree exactly.
  const scores = await page.evaluate(async ({ a, b }) => [await window.studio.scoreTexts(a, ['Hvat er klokkan?']), await window.studio.scoreTexts(b, ['Hvat er klokkan?'])], { a: r.merged, b: r.manifestAgain.id });
  expect(scores[0]).toEqual(scores[1]);

  // The merged model next to its experts on every expert's language and English.
  const result = await page.evaluate(async (ids) => window.studio.evaluate({ checkpoints: ids, suites: ['wordorder-udhr-isl', 'wordorder-udhr-fao', 'wordorder-eng-brown'], maxPairs: 6, validation: false }), [r.merged, r.isl, r.fao]);
  expect(result.rows).toHaveLength(9);
  await showView(page, 'evaluate');
  for (const id of [r.merged, r.isl, r.fao]) {
    for (const lang of ['isl', 'fao', 'eng']) {
      await expect(page.locator(`[data-testid=heat-cell][data-checkpoint="${id}"][data-language="${lang}"]`)).toBeVisible();
    }
  }

  // Bad input: experts of different shapes, nothing written.
  const message = await page.evaluate(async ({ config, isl }) => {
    const s = window.studio;
    const other = await s.createModel({ name: 'wider', config: { ...config, intermediate_size: 96 } });
    const before = (await s.checkpoints.list()).length;
    const msg = await s.merge({ method: 'linear', models: [{ id: isl }, { id: other }] }).then(() => 'no error', (e: Error) => e.message);
    return { msg, same: before === (await s.checkpoints.list()).length };
  }, { config: TINY_CONFIG, isl: r.isl });
  expect(message.msg).toMatch(/cannot be merged, their tensors differ: model.layers.0.mlp.gate_proj.weight is 96x32 in wider but 64x32/);
  expect(message.same).toBe(true);
  expect(errors).toEqual([]);
});

test('every merge method gives the same tensors and diagnostics on WebGPU as on the CPU', async ({ page }) => {
  await openStudio(page);
  const { report, methods } = await page.evaluate(async () => ({ report: await window.studio.checkMergeParity({ hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1, max_position_embeddings: 16 }, 1), methods: window.studio.mergeMethods().length }));
  expect(report.map((r) => r.method)).toHaveLength(methods);
  for (const r of report) {
    expect(r.maxAbsDiff, r.method).toBeLessThan(1e-6);
    expect(r.diagnosticsDiff, r.method).toBeLessThan(1e-6);
  }
});

test('a passthrough YAML of layer ranges (SOLAR form) runs as depth up-scaling', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  const r = await page.evaluate(async (config) => {
    const s = window.studio;
    const base = await s.createModel({ name: 'stack me', config, seed: 2 });
    const yaml = 'merge_method: passthrough\nslices:\n  - sources:\n      - model: stack me\n        layer_range: [0, 2]\n  - sources:\n      - model: stack me\n        layer_range: [0, 2]\n';
    const parsed = s.mergekit.parse(yaml);
    const id = await s.mergekit.run(yaml, {}, 'stacked');
    const m = await s.checkpoints.get(id);
    let refused = '';
    try {
      await s.mergekit.run(yaml.replace('[0, 2]\n  -', '[0, 1]\n  -'), {});
    } catch (e) {
      refused = (e as Error).message;
    }
    return { notes: parsed.config.notes, mapping: parsed.mapping, base, layers: m.config.num_hidden_layers, origin: m.origin, parents: m.parents, refused };
  }, TINY_CONFIG);
  expect(r.mapping).toEqual({ 'stack me': r.base });
  expect(r.notes.join(' ')).toMatch(/runs as depth growth/);
  expect(r.layers).toBe(4);
  expect(r.origin).toMatchObject({ method: 'grow:depth_upscale', params: { k: 0 } });
  expect(r.parents).toEqual([r.base]);
  expect(r.refused).toMatch(/the studio runs the depth up-scaling form/);
  expect(errors).toEqual([]);
});
