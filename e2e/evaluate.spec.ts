// Evaluation in the browser: import a small BLiMP-style suite through the file input, evaluate
// two checkpoints in the Evaluate panel, and find the API's numbers (scored by lm-eval's BLiMP
// rule, with their intervals) in the table, the heatmap and the paired comparison.
import { expect, test } from '@playwright/test';
import { openStudio, showView, TINY_CONFIG, watchConsole } from './helpers';

const SUITE = [
  { sentence_good: 'The dogs are here.', sentence_bad: 'The dogs is here.', UID: 'agr_be' },
  { sentence_good: 'The dog is here.', sentence_bad: 'The dog are here.', UID: 'agr_be' },
  { sentence_good: 'They were late.', sentence_bad: 'They was late.', UID: 'agr_be' },
  { sentence_good: 'She runs fast.', sentence_bad: 'She run fast.', UID: 'agr_verb' },
  { sentence_good: 'We know it.', sentence_bad: 'We knows it.', UID: 'agr_verb' },
  { sentence_good: 'He has time.', sentence_bad: 'He have time.', UID: 'agr_verb', pairID: '6' },
].map((x) => JSON.stringify(x)).join('\n') + '\n{"sentence_good": broken\n';

test('import a JSONL suite, evaluate two checkpoints, table and heatmap match the API', async ({ page }) => {
  const errors = watchConsole(page);
  await openStudio(page);
  const [base, trained] = await page.evaluate(async (config) => {
    const base = await window.studio.createModel({ name: 'eval untrained', config, seed: 5 });
    const run = window.studio.train({ from: base, name: 'eval trained', data: [{ corpus: 'eng-brown', weight: 1 }], steps: 15, batchSize: 8, seqLen: 32, lr: 5e-3 });
    return [base, await run.done];
  }, TINY_CONFIG);

  await showView(page, 'evaluate');
  await page.getByTestId('suite-format').selectOption('blimp');
  await page.getByTestId('suite-name').fill('tiny agreement');
  await page.getByTestId('suite-file').setInputFiles({ name: 'tiny_agreement.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(SUITE) });
  await expect(page.getByTestId('notice').filter({ hasText: 'tiny_agreement.jsonl:7' })).toBeVisible();
  const suite = await page.evaluate(async () => (await window.studio.suites()).find((s) => s.name === 'tiny agreement')!);
  expect(suite.pairCount).toBe(6);
  expect(suite.paradigms).toEqual(['agr_be', 'agr_verb']);

  for (const id of [base, trained]) await page.locator(`[data-testid=eval-checkpoint][data-id="${id}"]`).check();
  await page.getByTestId('eval-suite-search').fill('tiny agreement');
  await page.locator(`[data-testid=eval-suite][data-id="${suite.id}"]`).check();
  await page.getByTestId('eval-run').click();
  await expect(page.getByTestId('eval-table')).toBeVisible({ timeout: 120_000 });

  const result = await page.evaluate(async () => (await window.studio.evaluations())[0]);
  expect(result.rows).toHaveLength(2);
  expect(result.validation.map((v) => v.corpus)).toEqual(['eng-brown', 'eng-brown']);
  for (const row of result.rows) {
    const cell = page.locator(`[data-testid=eval-cell][data-checkpoint="${row.checkpoint}"][data-suite="${row.suite}"]`);
    await expect(cell).toContainText(`${(row.accuracy * 100).toFixed(1)}`);
    expect(row.rule).toBe('lm-eval blimp');
    expect(row.headline).toBe('macro');
    await expect(cell.getByTestId('eval-ci')).toHaveText(` [${(row.macro!.lo * 100).toFixed(1)}, ${(row.macro!.hi * 100).toFixed(1)}]`);
    await expect(cell).toHaveAttribute('title', /rule: lm-eval blimp; 95 % intervals/);
    const heat = page.locator(`[data-testid=heat-cell][data-checkpoint="${row.checkpoint}"][data-language="eng"]`);
    await expect(heat).toHaveAttribute('data-value', row.accuracy.toFixed(4));
  }
  await expect(page.getByTestId('eval-paradigms')).toBeVisible();
  await expect(page.locator(`[data-testid=eval-rule][data-suite="${suite.id}"]`)).toHaveText('lm-eval blimp');
  await expect(page.locator('[data-testid=heat-cell][data-language="eng"]').first()).toHaveAttribute('title', /all pairs .* of 6 pairs \(wilson\)/);

  // The paired comparison: McNemar's exact p from the saved per-pair verdicts, by hand.
  const [first, second] = result.checkpoints.map((c) => result.rows.find((r) => r.checkpoint === c.id)!);
  const bits = (v: string) => Array.from({ length: 6 }, (_, i) => ((atob(v).charCodeAt(i >> 3) >> (i & 7)) & 1) === 1);
  const [va, vb] = [bits(first.verdicts!), bits(second.verdicts!)];
  const onlyA = va.filter((x, i) => x && !vb[i]).length;
  const onlyB = vb.filter((x, i) => x && !va[i]).length;
  const choose = (n: number, k: number): number => (k === 0 ? 1 : (choose(n, k - 1) * (n - k + 1)) / k);
  const d = onlyA + onlyB;
  let tail = 0;
  for (let i = 0; i <= Math.min(onlyA, onlyB); i++) tail += choose(d, i) / 2 ** d;
  const p = d === 0 || 2 * Math.min(onlyA, onlyB) + 1 >= d ? 1 : Math.min(1, 2 * tail);
  const compare = page.locator(`[data-testid=eval-compare-row][data-checkpoint="${second.checkpoint}"]`);
  await expect(compare).toContainText(`${onlyA} / ${onlyB} of 6`);
  expect(Number(await compare.getAttribute('data-p'))).toBeCloseTo(p, 10);

  for (const width of [1440, 1024]) {
    await page.setViewportSize({ width, height: 1000 });
    await page.getByTestId('eval-table').scrollIntoViewIfNeeded();
    await page.getByTestId('evaluate-panel').screenshot({ path: `/tmp/eval-shots/evaluate-${width}.png` });
  }

  // The same numbers through the API, and a by-hand check of one checkpoint from scoreTexts.
  const again = await page.evaluate(({ trained, suite }) => window.studio.evaluate({ checkpoints: [trained], suites: [suite], validation: false }), { trained, suite: suite.id });
  // lm-eval's BLiMP rule: " " + sentence after BOS, a tie correct.
  const hand = await page.evaluate(async (id) => {
    const good = await window.studio.scoreTexts(id, [' The dogs are here.', ' The dog is here.', ' They were late.']);
    const bad = await window.studio.scoreTexts(id, [' The dogs is here.', ' The dog are here.', ' They was late.']);
    return good.filter((g, i) => g >= bad[i]).length / 3;
  }, trained);
  expect(again.rows[0].paradigms.find((p) => p.paradigm === 'agr_be')!.accuracy).toBeCloseTo(hand, 10);
  expect(again.rows[0].accuracy).toBe(result.rows.find((r) => r.checkpoint === trained)!.accuracy);

  const csv = await page.evaluate((id) => window.studio.exportEvaluation(id, 'csv'), result.id);
  expect(csv.split('\n')[0]).toBe('checkpoint_id,checkpoint_name,suite,language,paradigm,metric,value,correct,total,ci_low,ci_high,ci_method,rule,reported');
  expect(csv).toMatch(/,accuracy_macro,[0-9.]+,,6,[0-9.]+,[0-9.]+,bootstrap,lm-eval blimp,1\n/);
  expect(csv).toContain('valid_loss');
  const multi = await page.evaluate(({ trained, suite }) => window.studio.evaluate({ checkpoints: [trained], suites: [suite], validation: false, rule: 'lm-eval multiblimp' }), { trained, suite: suite.id });
  expect(multi.rows[0]).toMatchObject({ rule: 'lm-eval multiblimp', headline: 'pairs' });
  expect(multi.rows[0].norm).toBeDefined();
  // The tiny suite fits the model's 32 positions; most Brown sentences do not, and are scored in
  // sliding windows, which the result counts and the table names.
  expect(result.rows.every((r) => r.windowedPairs === 0 && r.positions === 32)).toBe(true);
  const long = await page.evaluate((trained) => window.studio.evaluate({ checkpoints: [trained], suites: ['agreement-eng'], validation: false, maxPairs: 10 }), trained);
  expect(long.rows[0].windowedPairs).toBeGreaterThan(0);
  await expect(page.getByTestId('eval-windowed')).toContainText(`${long.rows[0].windowedPairs} of 10 pairs (32 positions)`);
  expect(await page.evaluate((id) => window.studio.exportEvaluation(id, 'csv'), long.id)).toMatch(/,windowed_pairs,\d+,,10,/);
  await expect(page.evaluate(({ trained, suite }) => window.studio.evaluate({ checkpoints: [trained], suites: [suite], rule: 'old' as never }), { trained, suite: suite.id })).rejects.toThrow(/rule must be one of "lm-eval blimp", "lm-eval multiblimp"/);

  expect(errors).toEqual([]);
});
