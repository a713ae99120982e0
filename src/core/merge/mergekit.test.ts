import { describe, expect, it } from 'vitest';
import { mergekitToRequest, mergekitYaml, parseMergekitYaml, passthroughGrowth } from './mergekit';
import { mergeMethod } from './registry';
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
    expect(c.notes).toHaveLength(2); // int8_mask ignored; dtype bfloat16 honoured by rounding
    expect(c.notes.join(' ')).toMatch(/int8_mask is accepted and ignored.*dtype bfloat16: the inputs are rounded/);
    const req = mergekitToRequest(c, (n) => ids[n]);
    expect(req).toEqual({ method: 'ties', base: 'ck-base', models: [{ id: 'ck-isl', density: 0.5, weight: 1 }, { id: 'ck-fao', density: 0.5, weight: 1 }], params: { normalize: true }, dtype: 'bfloat16' });
    expect(planMerge(req).global).toEqual({ lambda: 1, normalize: true, rescale: false });
    expect(planMerge(req).dtype).toBe('bfloat16');
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
    expect(() => parseMergekitYaml('merge_method: ties\nmodules: {}\nmodels: []\n')).toThrow(/unsupported mergekit key\(s\) modules/);
    expect(() => parseMergekitYaml('merge_method: ties\nmerge_metod: ties\nmodels: []\n')).toThrow(/unsupported mergekit key\(s\) merge_metod/);
    expect(() => parseMergekitYaml('merge_method: ties\nslices: []\n')).toThrow(/slices with merge_method ties .* are not supported/);
    expect(() => parseMergekitYaml('merge_method: ties\nmodels:\n  - model: a\n    weight: 1\n')).toThrow(/models\[0\] has unsupported key\(s\) weight/);
    expect(() => parseMergekitYaml('merge_method: ties\nbase_model: b\nmodels:\n  - model: b\n  - model: a\n')).toThrow(/models\[1\] \(a\): weight is missing; mergekit requires it for ties/);
    expect(() => mergekitYaml({ method: 'ties_slack', models: [], global: {}, diagnostics: [] }, (x) => x)).toThrow(/ties_slack has no mergekit equivalent \(it is the studio's own formulation\)/);
  });
});

describe('mergekit YAML read with mergekit\'s meaning', () => {
  const resolve = (n: string) => `ck-${n}`;
  const run = (yaml: string) => planMerge(mergekitToRequest(parseMergekitYaml(yaml), resolve));

  it('the paper\'s task_arithmetic YAML: density accepted and ignored (noted), normalize honoured', () => {
    const yaml = 'merge_method: task_arithmetic\nbase_model: en\nmodels:\n  - model: en\n  - model: isl\n    parameters: {weight: 1.0, density: 0.5}\n  - model: fao\n    parameters: {weight: 1.0, density: 0.5}\nparameters:\n  normalize: true\n';
    const c = parseMergekitYaml(yaml);
    expect(c.notes).toEqual(['density is accepted and ignored: task_arithmetic does not sparsify; mergekit declares density for every generalized task arithmetic method and ignores it here']);
    const plan = run(yaml);
    expect(plan.models.map((m) => m.params)).toEqual([{ weight: 1 }, { weight: 1 }]);
    expect(plan.global).toEqual({ lambda: 1, normalize: true });
  });
  it('omitted parameters take each method\'s mergekit defaults', () => {
    const yaml = (m: string) => `merge_method: ${m}\nbase_model: en\nmodels:\n  - model: isl\n    parameters: {weight: 1}\n  - model: fao\n    parameters: {weight: 1}\n`;
    const expected: Record<string, [boolean, boolean | undefined]> = { task_arithmetic: [false, undefined], ties: [true, false], dare_ties: [false, true], dare_linear: [false, true], breadcrumbs: [false, false], breadcrumbs_ties: [false, false], della: [true, true], della_linear: [false, true] };
    for (const [m, [normalize, rescale]] of Object.entries(expected)) {
      const plan = run(yaml(m));
      expect([plan.global.normalize, plan.global.rescale], m).toEqual([normalize, rescale]);
      if (m !== 'task_arithmetic') expect(plan.models[0].params.density, m).toBe(1);
    }
    expect(run(yaml('breadcrumbs')).models[0].params.gamma).toBe(0.01);
    expect(run(yaml('della')).models[0].params.epsilon).toBe(0.15);
  });
  it('weight and density in the global parameters apply to every model that does not set its own', () => {
    const plan = run('merge_method: ties\nbase_model: en\nmodels:\n  - model: isl\n  - model: fao\n    parameters: {density: 0.3}\nparameters: {weight: 0.5, density: 0.7}\n');
    expect(plan.models.map((m) => m.params)).toEqual([{ weight: 0.5, density: 0.7 }, { weight: 0.5, density: 0.3 }]);
  });
  it('rescale for DARE, and gradients over layers for weight and density', () => {
    const plan = run('merge_method: dare_ties\nbase_model: en\nmodels:\n  - model: isl\n    parameters: {weight: [1.0, 0.0], density: [0.2, 0.8]}\n  - model: fao\n    parameters:\n      weight:\n        - filter: mlp\n          value: 0.3\n        - value: 1\nparameters: {rescale: false}\n');
    expect(plan.global.rescale).toBe(false);
    expect(plan.models[0].params).toEqual({ weight: [1, 0], density: [0.2, 0.8] });
    expect(plan.models[1].params.weight).toEqual([{ filter: 'mlp', value: 0.3 }, { value: 1 }]);
  });
  it('multislerp: keys its schema does not declare (normalize) are accepted and noted', () => {
    const c = parseMergekitYaml('merge_method: multislerp\nmodels:\n  - model: a\n    parameters: {weight: 1}\n  - model: b\n    parameters: {weight: 1}\nparameters: {normalize: true}\n');
    const multislerp = mergeMethod('multislerp');
    if (multislerp.globalParams.some((s) => s.name === 'normalize')) expect(c.parameters.normalize).toBe(true);
    else expect(c.notes.join(' ')).toMatch(/normalize is accepted and ignored/);
    expect(() => planMerge(mergekitToRequest(c, resolve))).not.toThrow();
  });
  it('refuses bad gradients and names the parameter', () => {
    expect(() => parseMergekitYaml('merge_method: ties\nmodels:\n  - model: a\n    parameters: {weight: 1, density: [0.5, 1.5]}\n')).toThrow(/density\[1\]: density must be from 0 to 1, got 1.5/);
    expect(() => parseMergekitYaml('merge_method: ties\nmodels:\n  - model: a\n    parameters: {weight: 1}\nparameters: {normalize: [true, false]}\n')).toThrow(/normalize is true or false and cannot vary over the layers/);
  });
  it('passthrough slices of one model (SOLAR) run as depth up-scaling with mergekit\'s [start, end) ranges', () => {
    const solar = (a: number[], b: number[], m2 = 'base') => `merge_method: passthrough\nslices:\n  - sources:\n      - model: base\n        layer_range: [${a}]\n  - sources:\n      - model: ${m2}\n        layer_range: [${b}]\ndtype: bfloat16\n`;
    const c = parseMergekitYaml(solar([0, 24], [8, 32]));
    expect(c.passthrough).toEqual({ model: 'base', ranges: [[0, 24], [8, 32]] });
    expect(c.notes.join('\n')).toMatch(/layers \[0, 24\) \+ \[8, 32\) runs as depth growth/);
    expect(c.notes.join('\n')).toMatch(/dtype bfloat16 is accepted and ignored/);
    // SOLAR 10.7B: 32 layers, k = 8 at the seam, 48 layers.
    expect(passthroughGrowth(c.passthrough!, 32)).toEqual({ method: 'depth_upscale', k: 8 });
    expect(passthroughGrowth(parseMergekitYaml(solar([0, 4], [0, 4])).passthrough!, 4)).toEqual({ method: 'depth_upscale', k: 0 });
    // Other stacks are not a growth the studio has; ranges past the model's layers are named.
    expect(() => passthroughGrowth(parseMergekitYaml(solar([0, 20], [8, 32])).passthrough!, 32)).toThrow(/the studio runs the depth up-scaling form \[0, n − k\) \+ \[k, n\)/);
    expect(() => passthroughGrowth(c.passthrough!, 24)).toThrow(/layer_range end 32 is past base's 24 layers/);
    expect(() => parseMergekitYaml(solar([0, 24], [8, 32], 'other'))).toThrow(/layers of base and of other: the studio stacks layers of one model only/);
    expect(() => parseMergekitYaml(solar([4, 2], [8, 32]))).toThrow(/layer_range must be \[start, end\] with integers 0 ≤ start < end, got \[4,2\]/);
    expect(() => parseMergekitYaml('merge_method: passthrough\nslices:\n  - sources:\n      - model: a\n        layer_range: [0, 2]\n      - model: b\n        layer_range: [0, 2]\n')).toThrow(/slices\[0\] must have exactly one source/);
  });
  it('exports gradients and the dtype, and reads them back', () => {
    const plan = run('merge_method: ties\nbase_model: en\nmodels:\n  - model: isl\n    parameters: {weight: [1, 0], density: 0.5}\n  - model: fao\n    parameters: {weight: 1}\ndtype: float16\n');
    const yaml = mergekitYaml({ method: 'ties', base: plan.base, models: plan.models, global: plan.global, dtype: plan.dtype, diagnostics: [] }, (id) => id.slice(3));
    expect(yaml).toContain('dtype: float16');
    const back = run(yaml);
    expect(back.models).toEqual(plan.models);
    expect(back.dtype).toBe('float16');
  });
});
