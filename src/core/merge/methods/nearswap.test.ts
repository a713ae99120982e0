// nearswap against a plain-loop port of mergekit's merge_methods/nearswap.py.
import { describe, expect, it } from 'vitest';
import { mergekitToRequest, parseMergekitYaml } from '../mergekit';
import { planMerge } from '../merge';
import { expectClose, expertsAround, maxDiff, mergeOne, randomVec, type Vec } from './testKit';

const N = 64;
const base = randomVec(1, N);
const [other] = expertsAround(base, [2], 0.3);

function nearswapRef(a: ArrayLike<number>, b: ArrayLike<number>, t: number): Vec {
  return Array.from(a, (ai, i) => {
    const w = Math.min(1, Math.max(0, t / Math.max(Math.abs(ai - b[i]), 1e-6)));
    return w * b[i] + (1 - w) * ai;
  });
}

describe('nearswap (mergekit nearswap.py)', () => {
  it('explicit t: entries within t take the other model, the rest move by t / |θ0 − θ1|', () => {
    const ref = nearswapRef(base, other, 0.1);
    expectClose(mergeOne({ method: 'nearswap', base, models: [other], params: { t: 0.1 } }), ref);
    const swapped = ref.filter((v, i) => v === other[i]).length;
    expect(swapped).toBeGreaterThan(5); // both regimes occur
    expect(swapped).toBeLessThan(N - 5);
    expectClose(mergeOne({ method: 'nearswap', base, models: [other], params: { t: 0 } }), base);
  });
  it('omitted t is the model card\'s 0.0001 (mergekit requires t); identical entries are kept', () => {
    const near = Float32Array.from(base, (b, i) => (i % 2 ? b : b + 1e-3 * randomVec(3, N)[i]));
    const ref = nearswapRef(base, near, 1e-4);
    expectClose(mergeOne({ method: 'nearswap', base, models: [near] }), ref);
    expect(maxDiff(ref, nearswapRef(base, near, 1e-3))).toBeGreaterThan(1e-5); // a wrong default would move entries
    expectClose(mergeOne({ method: 'nearswap', base, models: [other] }), nearswapRef(base, other, 1e-4));
  });
  it('takes a base and exactly one other model; mergekit YAML is accepted', () => {
    expect(() => planMerge({ method: 'nearswap', base: 'x', models: [{ id: 'a' }, { id: 'b' }] })).toThrow(/nearswap needs exactly 1 model, got 2/);
    expect(() => planMerge({ method: 'nearswap', models: [{ id: 'a' }] })).toThrow(/nearswap needs a base model/);
    const req = mergekitToRequest(parseMergekitYaml('merge_method: nearswap\nbase_model: a\nmodels:\n  - model: a\n  - model: b\nparameters:\n  t: 0.0001\n'), (n) => n);
    expect(req).toMatchObject({ method: 'nearswap', base: 'a', models: [{ id: 'b' }], params: { t: 0.0001 } });
    expect(planMerge(req).global).toEqual({ t: 0.0001 });
  });
});
