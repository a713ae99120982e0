import { describe, expect, it } from 'vitest';
import { mergekitToRequest, mergekitYaml, parseMergekitYaml } from './mergekit';
import { planMerge } from './merge';

// Shaped like the Grow-Up-and-Merge paper's configs: base = the English model, density 0.5,
// weight 1.0, normalize true.
const PAPER_TIES = `
models:
  - model: smollm2-english
  - model: expert-isl
    parameters:
      density: 0.5
      weight: 1.0
  - model: expert-fao
    parameters:
      density: 0.5
      weight: 1.0
merge_method: ties
base_model: smollm2-english
parameters:
  normalize: true
  int8_mask: true
dtype: bfloat16
`;

const ids: Record<string, string> = { 'smollm2-english': 'ck-base', 'expert-isl': 'ck-isl', 'expert-fao': 'ck-fao' };
const names = Object.fromEntries(Object.entries(ids).map(([n, i]) => [i, n]));

describe('mergekit YAML', () => {
  it('reads the paper-shaped TIES config into a studio request', () => {
    const c = parseMergekitYaml(PAPER_TIES);
    expect(c.notes).toHaveLength(2);
    const req = mergekitToRequest(c, (n) => ids[n]);
    expect(req).toEqual({ method: 'ties', base: 'ck-base', models: [{ id: 'ck-isl', density: 0.5, weight: 1 }, { id: 'ck-fao', density: 0.5, weight: 1 }], params: { normalize: true } });
    expect(planMerge(req).global).toEqual({ lambda: 1, normalize: true });
  });

  it('round trips: export then import gives the same merge', () => {
    for (const method of ['ties', 'task_arithmetic', 'dare_ties', 'linear', 'multislerp']) {
      const base = method === 'linear' ? undefined : 'ck-base';
      const plan = planMerge({ method, base, models: [{ id: 'ck-isl', weight: 1, ...(method.includes('ties') ? { density: 0.5 } : {}) }, { id: 'ck-fao', weight: 0.7 }], params: method === 'multislerp' ? {} : { normalize: true } });
      const rec = { method, base, models: plan.models, global: plan.global, diagnostics: [] };
      const yaml = mergekitYaml(rec, (id) => names[id]);
      const back = planMerge(mergekitToRequest(parseMergekitYaml(yaml), (n) => ids[n]));
      expect(back.method.id).toBe(method);
      expect(back.base).toBe(base);
      expect(back.models).toEqual(plan.models);
      const { seed: _s, ...global } = plan.global;
      expect(back.global).toEqual(planMerge({ method, base, models: plan.models.map((m) => ({ id: m.id })), params: global }).global);
    }
  });

  it('maps slerp between base_model (t = 0) and the other model', () => {
    const req = mergekitToRequest(parseMergekitYaml('merge_method: slerp\nbase_model: a\nmodels:\n  - model: a\n  - model: b\nparameters:\n  t: 0.3\n'), (n) => `ck-${n}`);
    expect(req).toEqual({ method: 'slerp', base: undefined, models: [{ id: 'ck-a' }, { id: 'ck-b' }], params: { t: 0.3 } });
    const yaml = mergekitYaml({ method: 'slerp', models: [{ id: 'ck-a', params: {} }, { id: 'ck-b', params: {} }], global: { t: 0.3 }, diagnostics: [] }, (id) => id.slice(3));
    expect(yaml).toContain('base_model: a');
  });

  it('reports syntax errors with their line, unknown keys and unsupported methods', () => {
    expect(() => parseMergekitYaml('merge_method: ties\nmodels:\n  - model: a\n   bad: [\n')).toThrow(/YAML syntax error at line \d+/);
    expect(() => parseMergekitYaml('merge_method: ties\nslices: []\nmodels: []\n')).toThrow(/unsupported mergekit key\(s\) slices/);
    expect(() => parseMergekitYaml('merge_method: passthrough\nmodels:\n  - model: a\n')).toThrow(/merge_method passthrough is not supported; supported: linear, task_arithmetic, ties/);
    expect(() => parseMergekitYaml('merge_method: ties\nmodels:\n  - model: a\n    weight: 1\n')).toThrow(/models\[0\] has unsupported key\(s\) weight/);
    expect(() => mergekitYaml({ method: 'ties_slack', models: [], global: {}, diagnostics: [] }, (x) => x)).toThrow(/ties_slack has no mergekit equivalent \(it is the studio's own formulation\)/);
  });
});
