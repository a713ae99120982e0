// sce against a plain-loop port of mergekit's merge_methods/sce.py (sce_merge, sce_mask,
// sce_weight and the TIES sign election of generalized_task_arithmetic.get_mask).
import { describe, expect, it } from 'vitest';
import { mergekitToRequest, parseMergekitYaml } from '../mergekit';
import { planMerge } from '../merge';
import { expectClose, maxDiff, mergeOne, randomVec, sub, type Vec } from './testKit';

const N = 64;
const base = randomVec(1, N);
// Experts of different sizes, so the per-expert weights mean(τ²) / Σ mean(τ²) are far from equal.
const scales = [0.1, 0.3, 0.6];
const experts = scales.map((s, k) => Float32Array.from(base, (b, i) => b + randomVec(k + 2, N, s)[i]));

function sceRef(b: ArrayLike<number>, ms: ArrayLike<number>[], selectTopk = 1): Vec {
  const n = ms.length;
  let taus = ms.map((m) => sub(m, b));
  if (selectTopk < 1) {
    let keep: boolean[];
    if (selectTopk <= 0) keep = new Array(N).fill(false);
    else {
      const variance = Array.from({ length: N }, (_, i) => {
        const mean = taus.reduce((s, t) => s + t[i], 0) / n;
        return taus.reduce((s, t) => s + (t[i] - mean) ** 2, 0) / n; // unbiased=False
      });
      const nonzero = variance.filter((v) => v !== 0).length;
      const k = Math.floor(Math.fround(nonzero * Math.fround(selectTopk))); // torch: int(count tensor · float) in float32
      const top = new Set(variance.map((v, i) => [Math.abs(v), i]).sort((x, y) => y[0] - x[0]).slice(0, k).map(([, i]) => i));
      keep = variance.map((_, i) => top.has(i));
    }
    taus = taus.map((t) => t.map((v, i) => (keep[i] ? v : 0)));
  }
  const ms2 = taus.map((t) => t.reduce((s, v) => s + v * v, 0) / N);
  const total = ms2.reduce((s, v) => s + v, 0);
  const w = Math.abs(total) < 1e-6 ? ms2.map(() => 1 / n) : ms2.map((v) => v / total);
  return Array.from(b, (bi, i) => {
    const sign = taus.reduce((s, t) => s + t[i], 0) >= 0 ? 1 : -1;
    let num = 0;
    let den = 0;
    taus.forEach((t, k) => {
      if (Math.sign(t[i]) === sign) {
        num += t[i] * w[k];
        den += w[k];
      }
    });
    return bi + num / Math.max(den, 1e-6);
  });
}

describe('sce (mergekit sce.py)', () => {
  it('omitted select_topk (1): every position, weights from the mean squares, sign erase', () => {
    const ref = sceRef(base, experts);
    expectClose(mergeOne({ method: 'sce', base, models: experts }), ref);
    expect(maxDiff(ref, sceRef(base, experts, 0.5))).toBeGreaterThan(1e-3);
  });
  it('explicit select_topk keeps the int(select_topk · #nonzero) positions of highest variance', () => {
    for (const k of [0.9, 0.5, 0.3, 0.01]) expectClose(mergeOne({ method: 'sce', base, models: experts, params: { select_topk: k } }), sceRef(base, experts, k));
    // 0 keeps nothing: the base comes back.
    expectClose(mergeOne({ method: 'sce', base, models: experts, params: { select_topk: 0 } }), base);
  });
  it('the weights are the normalised mean squares, not equal, unless their sum is below 1e-6', () => {
    const equal = Array.from(base, (b, i) => {
      const t = experts.map((m) => m[i] - b);
      const sign = t.reduce((s, v) => s + v, 0) >= 0 ? 1 : -1;
      const kept = t.filter((v) => Math.sign(v) === sign);
      return b + (kept.length ? kept.reduce((s, v) => s + v, 0) / kept.length : 0);
    });
    expect(maxDiff(sceRef(base, experts), equal)).toBeGreaterThan(0.01);
    // Task vectors of size 1e-4: Σ mean(τ²) ≈ 1e-8 < 1e-6, so mergekit weighs them equally.
    const zero = new Float32Array(N);
    const small = scales.map((s, k) => randomVec(k + 2, N, s * 1e-3));
    const ref = sceRef(zero, small);
    expectClose(mergeOne({ method: 'sce', base: zero, models: small }), ref, 1e-10);
    const proportional = sceRef(zero, small.map((m) => m.map((v) => v * 1e3))).map((v) => v / 1e3); // the same vectors above the threshold
    expect(maxDiff(ref, proportional)).toBeGreaterThan(1e-6);
  });
  it('needs a base; mergekit YAML is accepted', () => {
    expect(() => planMerge({ method: 'sce', models: [{ id: 'a' }, { id: 'b' }] })).toThrow(/sce needs a base model/);
    const req = mergekitToRequest(parseMergekitYaml('merge_method: sce\nbase_model: base\nmodels:\n  - model: a\n  - model: b\nparameters:\n  select_topk: 0.1\n'), (n) => n);
    expect(planMerge(req).global).toEqual({ select_topk: 0.1 });
  });
});
