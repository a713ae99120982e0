// linear, slerp, multislerp and model_stock against plain-loop ports of mergekit's semantics
// (merge_methods/linear.py, slerp.py, multislerp.py, model_stock.py), with explicit and with
// omitted parameters, including mergekit's numerical guards.
import { describe, expect, it } from 'vitest';
import { add, dot, expectClose, expertsAround, maxDiff, mergeOne, norm, randomVec, scale, sub, type Vec } from './testKit';

const N = 64;
const base = randomVec(1, N);
const experts = expertsAround(base, [2, 3, 4], 0.3);
const w = [1, 0.5, 2];
const weights = (ws: number[]) => ws.map((weight) => ({ weight }));

// ---- references ----
function linearRef(ms: ArrayLike<number>[], ws: number[], normalize: boolean): Vec {
  const s = ws.reduce((a, b) => a + b, 0);
  return Array.from(ms[0], (_, i) => ms.reduce((acc, m, k) => acc + ws[k] * m[i], 0) / (normalize ? s : 1));
}

function slerpRef(t: number, v0: ArrayLike<number>, v1: ArrayLike<number>): Vec {
  const unit = (v: ArrayLike<number>) => (norm(v) > 1e-8 ? scale(v, 1 / norm(v)) : Array.from(v));
  const d = dot(unit(v0), unit(v1));
  if (Math.abs(d) > 0.9995) return add(scale(v0, 1 - t), scale(v1, t));
  const th = Math.acos(d);
  return add(scale(v0, Math.sin(th - th * t) / Math.sin(th)), scale(v1, Math.sin(th * t) / Math.sin(th)));
}

function multislerpRef(ms: ArrayLike<number>[], ws: number[], b: ArrayLike<number> | null, normalizeWeights = true, eps = 1e-8): Vec {
  const vs = ms.map((m) => (b ? sub(m, b) : Array.from(m)));
  const total = ws.reduce((a, x) => a + x, 0);
  const a = normalizeWeights ? ws.map((x) => x / total) : ws;
  const norms = vs.map(norm);
  const units = vs.map((v, k) => scale(v, 1 / (norms[k] + eps)));
  let mean = units.reduce((acc, u, k) => add(acc, scale(u, a[k])), new Array(N).fill(0));
  const mn = norm(mean);
  const back = (r: Vec) => (b ? add(r, b) : r);
  if (mn < eps) {
    if (vs.length === 2) return back(add(scale(vs[0], a[0]), scale(vs[1], a[1])));
    throw new Error('antipodal');
  }
  mean = scale(mean, 1 / mn);
  const tangent = units.reduce((acc, u, k) => add(acc, scale(sub(u, scale(mean, dot(u, mean))), a[k])), new Array(N).fill(0));
  const tn = norm(tangent) + eps;
  const onSphere = add(scale(mean, Math.cos(tn)), scale(tangent, Math.sin(tn) / tn));
  return back(scale(onSphere, norms.reduce((acc, x, k) => acc + a[k] * x, 0)));
}

/** model_stock on row vectors of length `row` (the whole tensor when row = its size). */
function modelStockRef(b: ArrayLike<number>, ms: ArrayLike<number>[], row: number, floor = 1e-6): Vec {
  const out: number[] = [];
  for (let r = 0; r < b.length / row; r++) {
    const slice = (v: ArrayLike<number>) => Array.from(v).slice(r * row, (r + 1) * row);
    const w0 = slice(b);
    const offsets = ms.map((m) => sub(slice(m), w0));
    const cosines: number[] = [];
    for (let i = 0; i < offsets.length; i++) {
      for (let j = i + 1; j < offsets.length; j++) {
        const c = dot(offsets[i], offsets[j]) / Math.max(norm(offsets[i]) * norm(offsets[j]), floor);
        cosines.push(Math.min(1, Math.max(-1, c)));
      }
    }
    const c = cosines.reduce((a, x) => a + x, 0) / cosines.length;
    const n = ms.length;
    const t = (n * c) / (1 + (n - 1) * c);
    w0.forEach((v, i) => out.push(t * (ms.reduce((a, m) => a + m[r * row + i], 0) / n) + (1 - t) * v));
  }
  return out;
}

describe('linear (mergekit linear.py)', () => {
  it('normalize: explicit true or false, omitted = true', () => {
    const on = linearRef(experts, w, true);
    expectClose(mergeOne({ method: 'linear', models: experts, perModel: weights(w), params: { normalize: true } }), on);
    expectClose(mergeOne({ method: 'linear', models: experts, perModel: weights(w), params: { normalize: false } }), linearRef(experts, w, false));
    expectClose(mergeOne({ method: 'linear', models: experts, perModel: weights(w) }), on);
    expect(maxDiff(on, linearRef(experts, w, false))).toBeGreaterThan(0.1);
  });
});

describe('slerp (mergekit slerp.py)', () => {
  const [a, b] = experts;
  it('explicit t, and omitted t at the midpoint (mergekit requires t)', () => {
    expectClose(mergeOne({ method: 'slerp', models: [a, b], params: { t: 0.3 } }), slerpRef(0.3, a, b));
    expectClose(mergeOne({ method: 'slerp', models: [a, b] }), slerpRef(0.5, a, b));
  });
  it('falls back to lerp when |cos| > 0.9995', () => {
    const near = Float32Array.from(a, (v, i) => 2 * v + 1e-3 * randomVec(9, N)[i]);
    expectClose(mergeOne({ method: 'slerp', models: [a, near], params: { t: 0.3 } }), add(scale(a, 0.7), scale(near, 0.3)));
  });
  it('leaves a vector of norm ≤ 1e-8 unnormalised when taking the cosine, as mergekit does', () => {
    // tiny is b's direction at norm ~1e-10: mergekit's cosine is ~1e-10, so it slerps at θ ≈ π/2
    // (0.707 · (tiny + b) at t = 0.5), where a true cosine of 1 would lerp (0.5 · (tiny + b)).
    const tiny = Float32Array.from(b, (v) => v * 1e-10 / norm(b));
    const ref = slerpRef(0.5, tiny, b);
    expectClose(mergeOne({ method: 'slerp', models: [tiny, b] }), ref);
    expect(maxDiff(ref, add(scale(tiny, 0.5), scale(b, 0.5)))).toBeGreaterThan(0.1);
  });
});

describe('multislerp (mergekit multislerp.py)', () => {
  it('omitted parameters: normalize_weights true, eps 1e-8; with and without a base', () => {
    expectClose(mergeOne({ method: 'multislerp', models: experts, perModel: weights(w) }), multislerpRef(experts, w, null));
    expectClose(mergeOne({ method: 'multislerp', base, models: experts, perModel: weights(w) }), multislerpRef(experts, w, base));
  });
  it('explicit normalize_weights and eps', () => {
    const off = multislerpRef(experts, w, base, false);
    expectClose(mergeOne({ method: 'multislerp', base, models: experts, perModel: weights(w), params: { normalize_weights: false } }), off);
    expect(maxDiff(off, multislerpRef(experts, w, base))).toBeGreaterThan(0.1);
    const bigEps = multislerpRef(experts, w, null, true, 0.5);
    expectClose(mergeOne({ method: 'multislerp', models: experts, perModel: weights(w), params: { normalize_weights: true, eps: 0.5 } }), bigEps);
    expect(maxDiff(bigEps, multislerpRef(experts, w, null))).toBeGreaterThan(1e-3);
  });
  it('two antipodal directions fall back to the weighted sum; more cannot be merged', () => {
    const a = experts[0];
    const minus2a = Float32Array.from(a, (v) => -2 * v);
    const ref = multislerpRef([a, minus2a], [1, 1], null);
    expectClose(mergeOne({ method: 'multislerp', models: [a, minus2a], perModel: weights([1, 1]) }), ref);
    expect(maxDiff(ref, new Array(N).fill(0))).toBeGreaterThan(0.1); // -a/2, not 0
    // Scaling by 2 is exact in float32, so the unit vectors cancel exactly.
    const b = experts[1];
    const out = mergeOne({ method: 'multislerp', models: [a, minus2a, b, Float32Array.from(b, (v) => -2 * v)], perModel: weights([1, 1, 1, 1]) });
    expect(out.every((v) => Number.isNaN(v))).toBe(true); // runMerge reports it as non-finite values
  });
});

describe('model_stock (mergekit model_stock.py)', () => {
  it('omitted filter_wise: one ratio per tensor', () => {
    expectClose(mergeOne({ method: 'model_stock', base, models: experts }), modelStockRef(base, experts, N));
  });
  it('explicit filter_wise: one ratio per row of a 2-D tensor; a 1-D tensor is one row', () => {
    const rows = modelStockRef(base, experts, 8);
    expectClose(mergeOne({ method: 'model_stock', base, models: experts, params: { filter_wise: true }, shape: [8, 8] }), rows);
    expect(maxDiff(rows, modelStockRef(base, experts, N))).toBeGreaterThan(1e-3);
    expectClose(mergeOne({ method: 'model_stock', base, models: experts, params: { filter_wise: true } }), modelStockRef(base, experts, N));
    expectClose(mergeOne({ method: 'model_stock', base, models: experts, params: { filter_wise: false }, shape: [8, 8] }), modelStockRef(base, experts, N));
  });
  it('divides a cosine by max(|τi||τj|, 1e-6): task vectors this small pull the merge toward the base', () => {
    // Base 0 so that float32 resolves task vectors of size 1e-5: |τi||τj| ≈ 3e-9, far below the floor.
    const zero = new Float32Array(N);
    const common = randomVec(5, N);
    const small = [2, 3, 4].map((seed) => Float32Array.from(randomVec(seed, N), (v, i) => 1e-5 * (common[i] + 0.7 * v))); // pairwise cosines ≈ 0.5
    const ref = modelStockRef(zero, small, N);
    expectClose(mergeOne({ method: 'model_stock', base: zero, models: small }), ref, 1e-11);
    // Without the floor the ratio would come from the true cosines: a different merge.
    expect(maxDiff(ref, modelStockRef(zero, small, N, 0))).toBeGreaterThan(1e-6);
  });
});
