// nuslerp against a plain-loop port of mergekit's merge_methods/nuslerp.py: t from the weights,
// whole-tensor, row-wise and column-wise slerp, with and without a base, and its guards.
import { describe, expect, it } from 'vitest';
import { mergekitToRequest, parseMergekitYaml } from '../mergekit';
import { planMerge } from '../merge';
import { add, dot, expectClose, expertsAround, maxDiff, mergeOne, norm, randomVec, scale, sub, type Vec } from './testKit';

const ROWS = 4;
const COLS = 16;
const N = ROWS * COLS;
const base = randomVec(1, N);
const [a, b] = expertsAround(base, [2, 3], 0.3);

interface Opts { rowWise?: boolean; flatten?: boolean }

/** mergekit's nuslerp of two tensors of shape [ROWS, COLS] (flat, row-major), base optional. */
function nuslerpRef(w: [number, number], base0: Float32Array | null, { rowWise = false, flatten = true }: Opts = {}): Vec {
  const t = Math.abs(w[0] + w[1]) < 1e-6 ? 0.5 : w[1] / (w[0] + w[1]);
  const v0 = base0 ? sub(a, base0) : Array.from(a);
  const v1 = base0 ? sub(b, base0) : Array.from(b);
  // The index sets of the vectors slerped one by one: the whole tensor, each row, or each column.
  const groups: number[][] = flatten
    ? [Array.from({ length: N }, (_, i) => i)]
    : rowWise
      ? Array.from({ length: COLS }, (_, c) => Array.from({ length: ROWS }, (_, r) => r * COLS + c))
      : Array.from({ length: ROWS }, (_, r) => Array.from({ length: COLS }, (_, c) => r * COLS + c));
  const out = new Array<number>(N);
  for (const g of groups) {
    const x = g.map((i) => v0[i]);
    const y = g.map((i) => v1[i]);
    const cos = dot(scale(x, 1 / Math.max(norm(x), 1e-7)), scale(y, 1 / Math.max(norm(y), 1e-7)));
    const th = Math.acos(Math.min(1, Math.max(-1, cos)));
    const s = Math.sin(th);
    const r = Math.abs(s) < 1e-8 ? add(scale(x, 1 - t), scale(y, t)) : add(scale(x, Math.sin((1 - t) * th) / s), scale(y, Math.sin(t * th) / s));
    g.forEach((i, k) => (out[i] = r[k] + (base0 ? base0[i] : 0)));
  }
  return out;
}

const run = (weights: [number, number] | null, withBase: boolean, params?: Record<string, unknown>) =>
  mergeOne({ method: 'nuslerp', base: withBase ? base : undefined, models: [a, b], perModel: weights ? weights.map((weight) => ({ weight })) : undefined, params, shape: [ROWS, COLS] });

describe('nuslerp (mergekit nuslerp.py)', () => {
  it('t = w2 / (w1 + w2), over the whole tensor by default; omitted weights (1 each) give t = 0.5', () => {
    expectClose(run([1, 3], false), nuslerpRef([1, 3], null));
    expectClose(run(null, false), nuslerpRef([1, 1], null));
    expect(maxDiff(nuslerpRef([1, 3], null), nuslerpRef([1, 1], null))).toBeGreaterThan(0.05);
  });
  it('with a base, slerps the task vectors and adds the base back', () => {
    expectClose(run([1, 3], true), nuslerpRef([1, 3], base));
    expect(maxDiff(nuslerpRef([1, 3], base), nuslerpRef([1, 3], null))).toBeGreaterThan(0.05);
  });
  it('nuslerp_flatten false: row by row; with nuslerp_row_wise: the vectors along the first axis', () => {
    const rows = nuslerpRef([1, 3], base, { flatten: false });
    const cols = nuslerpRef([1, 3], base, { flatten: false, rowWise: true });
    expectClose(run([1, 3], true, { nuslerp_flatten: false }), rows);
    expectClose(run([1, 3], true, { nuslerp_flatten: false, nuslerp_row_wise: true }), cols);
    // row_wise has no effect while flatten is on (the default).
    expectClose(run([1, 3], true, { nuslerp_row_wise: true }), nuslerpRef([1, 3], base));
    expect(maxDiff(rows, nuslerpRef([1, 3], base))).toBeGreaterThan(1e-4);
    expect(maxDiff(rows, cols)).toBeGreaterThan(1e-4);
  });
  it('weights summing to about 0 give t = 0.5; colinear vectors are interpolated linearly', () => {
    expectClose(run([1, -1], false), nuslerpRef([1, 1], null));
    const twice = Float32Array.from(a, (v) => 2 * v);
    const out = mergeOne({ method: 'nuslerp', models: [a, twice], perModel: [{ weight: 1 }, { weight: 3 }], shape: [ROWS, COLS] });
    expectClose(out, Array.from(a, (v) => 0.25 * v + 0.75 * 2 * v));
  });
  it('needs exactly two models; mergekit YAML with and without base_model is accepted', () => {
    expect(() => planMerge({ method: 'nuslerp', models: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] })).toThrow(/nuslerp needs exactly 2 models, got 3/);
    const yaml = 'merge_method: nuslerp\nbase_model: base\nmodels:\n  - model: a\n    parameters:\n      weight: 1\n  - model: b\n    parameters:\n      weight: 3\nparameters:\n  nuslerp_flatten: false\n';
    const req = mergekitToRequest(parseMergekitYaml(yaml), (n) => n);
    expect(planMerge(req).global).toEqual({ nuslerp_row_wise: false, nuslerp_flatten: false });
    expect(req.base).toBe('base');
  });
});
