// karcher against a plain-loop port of mergekit's merge_methods/karcher.py (karcher_merge_tensors),
// in double precision, to 1e-6 (the float32 merge was measured within 2e-7 of it here).
import { describe, expect, it } from 'vitest';
import { mergekitToRequest, parseMergekitYaml } from '../mergekit';
import { planMerge } from '../merge';
import { add, dot, expectClose, maxDiff, mergeOne, norm, randomVec, scale, sub, type Vec } from './testKit';

const N = 64;
// Far-apart directions (independent random vectors, ≈ 90° apart): five take 8 steps to converge.
const models = [2, 3, 4, 5, 6].map((s) => randomVec(s, N));

/** mergekit's karcher_merge_tensors with equal weights; also returns how many steps it took. */
function karcherRef(ts: ArrayLike<number>[], maxIter = 10, tol = 1e-5): { out: Vec; steps: number } {
  const alphas = ts.map(() => 1 / ts.length);
  const norms = ts.map(norm);
  const units = ts.map((t, i) => (norms[i] === 0 ? new Array(N).fill(0) : scale(t, 1 / norms[i])));
  const valid = norms.map((n, i) => (n > tol ? i : -1)).filter((i) => i >= 0);
  if (!valid.length) return { out: new Array(N).fill(0), steps: 0 };
  const a = valid.map((i) => alphas[i] / valid.reduce((s, j) => s + alphas[j], 0));
  const us = valid.map((i) => units[i]);
  let u = us.reduce((acc, ui, k) => add(acc, scale(ui, a[k])), new Array(N).fill(0));
  u = norm(u) < tol ? [...us[0]] : scale(u, 1 / norm(u));
  let steps = 0;
  for (let it = 0; it < maxIter; it++) {
    let T: Vec = new Array(N).fill(0);
    us.forEach((ui, k) => {
      const d = Math.min(1, Math.max(-1, dot(u, ui)));
      const theta = Math.acos(d);
      if (theta >= tol) T = add(T, scale(sub(ui, scale(u, d)), (a[k] * theta) / Math.sin(theta)));
    });
    const nT = norm(T);
    if (nT < tol) break;
    u = add(scale(u, Math.cos(nT)), scale(T, Math.sin(nT) / nT));
    if (norm(u) > tol) u = scale(u, 1 / norm(u));
    steps++;
  }
  return { out: scale(u, alphas.reduce((s, x, i) => s + x * norms[i], 0)), steps };
}

const TOL = 1e-6;

describe('karcher (mergekit karcher.py)', () => {
  it('omitted parameters: max_iter 10, tol 1e-5', () => {
    const ref = karcherRef(models);
    expect(ref.steps).toBeGreaterThan(5); // the data exercise the iteration, not just its start
    expectClose(mergeOne({ method: 'karcher', models }), ref.out, TOL);
    // Another default would show: 5 steps, or stopping at a step below 1e-3.
    expect(maxDiff(ref.out, karcherRef(models, 5).out)).toBeGreaterThan(10 * TOL);
    expect(maxDiff(ref.out, karcherRef(models, 10, 1e-3).out)).toBeGreaterThan(10 * TOL);
  });
  it('explicit max_iter and tol', () => {
    for (const [maxIter, tol] of [[0, 1e-5], [2, 1e-5], [20, 1e-3], [50, 1e-7]]) {
      expectClose(mergeOne({ method: 'karcher', models, params: { max_iter: maxIter, tol } }), karcherRef(models, maxIter, tol).out, TOL);
    }
    expect(maxDiff(karcherRef(models, 50, 1e-3).out, karcherRef(models, 50, 1e-7).out)).toBeGreaterThan(10 * TOL);
  });
  it('a zero model counts in the scale but not in the direction; all zero gives zero', () => {
    const withZero = [...models, new Float32Array(N)];
    const ref = karcherRef(withZero);
    expectClose(mergeOne({ method: 'karcher', models: withZero }), ref.out, TOL);
    expect(norm(ref.out)).toBeCloseTo(norm(karcherRef(models).out) * (5 / 6), 5);
    expectClose(mergeOne({ method: 'karcher', models: [new Float32Array(N), new Float32Array(N)] }), new Array(N).fill(0));
  });
  it('equal models give the model back', () => {
    expectClose(mergeOne({ method: 'karcher', models: [models[0], models[0], models[0]] }), models[0], TOL);
  });
  it('mergekit YAML is accepted; karcher takes no base and no weights of its own', () => {
    const req = mergekitToRequest(parseMergekitYaml('merge_method: karcher\nmodels:\n  - model: a\n  - model: b\nparameters:\n  max_iter: 5\n'), (n) => n);
    expect(planMerge(req).global).toEqual({ max_iter: 5, tol: 1e-5 });
    expect(() => planMerge({ method: 'karcher', base: 'x', models: [{ id: 'a' }, { id: 'b' }] })).toThrow(/karcher uses no base model/);
  });
});
