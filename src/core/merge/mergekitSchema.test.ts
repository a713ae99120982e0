// The exported mergekit YAML against mergekit's own config classes and merge-method parameters
// (testing/mergekitSchema.ts, read from mergekit a6e402884ba9 config.py and merge_methods/*.py),
// for every studio method that has a mergekit equivalent.
import { describe, expect, it } from 'vitest';
import { MERGEKIT_METHODS, MERGEKIT_MODELS } from '../testing/mergekitSchema';
import { checkPy, loadPyYaml, type PyValue } from '../testing/pyYaml';
import { planMerge } from './merge';
import { mergekitYaml } from './mergekit';
import { MERGE_METHODS } from './registry';

const CONFIG = { kind: 'dataclass', name: 'MergeConfiguration' } as const;
const names: Record<string, string> = { 'ck-base': 'hf/base', 'ck-isl': 'hf/adapt-isl-x1', 'ck-fao': 'hf/adapt-fao-x1' };
const entries = (v: PyValue | undefined) => (v?.t === 'map' ? [...v.entries] : []);

/** Problems of a mergekit YAML beyond its types: the method's name and its parameters (base.py ConfigParameterDef). */
function methodProblems(text: string): string[] {
  const c = loadPyYaml(text);
  if (c.t !== 'map') return ['not a mapping'];
  const problems = checkPy(c, CONFIG, 'config', MERGEKIT_MODELS);
  const inputs = ['models', 'slices', 'modules'].filter((k) => c.entries.get(k) && c.entries.get(k)!.t !== 'null');
  if (inputs.length !== 1) problems.push(`exactly one of models, slices, modules must be present (config.py validate_inputs), got ${inputs.join(', ') || 'none'}`);
  const name = c.entries.get('merge_method');
  const method = name?.t === 'str' ? MERGEKIT_METHODS[name.raw] : undefined;
  if (!method) return problems;
  const global = entries(c.entries.get('parameters'));
  for (const [k] of global) if (!(k in method.parameters) && !(k in method.tensorParameters)) problems.push(`parameters.${k}: ${name!.t === 'str' ? name!.raw : ''} (${method.file}) takes no such parameter`);
  for (const [k, p] of Object.entries(method.parameters)) if (p.required && !global.some(([g]) => g === k)) problems.push(`parameters.${k}: required by ${method.file}`);
  const base = c.entries.get('base_model');
  const models = c.entries.get('models');
  for (const [i, m] of (models?.t === 'seq' ? models.items : []).entries()) {
    const own = m.t === 'map' ? entries(m.entries.get('parameters')) : [];
    for (const [k] of own) if (!(k in method.tensorParameters)) problems.push(`models[${i}].parameters.${k}: not a per-model parameter of ${method.file}`);
    const model = m.t === 'map' ? m.entries.get('model') : undefined;
    const isBase = base?.t === 'str' && model?.t === 'str' && model.raw === base.raw;
    if (!isBase) for (const [k, p] of Object.entries(method.tensorParameters)) if (p.required && !own.some(([o]) => o === k) && !global.some(([g]) => g === k)) problems.push(`models[${i}]: ${k} is required by ${method.file}`);
  }
  return problems;
}

/** A studio merge of each exportable method: with a base and two experts, or the shape the method takes. */
function exportedYaml(methodId: string): string {
  const shapes = [
    { base: 'ck-base', models: [{ id: 'ck-isl', weight: 1 }, { id: 'ck-fao', weight: 0.5 }] },
    { base: undefined, models: [{ id: 'ck-isl', weight: 1 }, { id: 'ck-fao', weight: 0.5 }] },
    { base: 'ck-base', models: [{ id: 'ck-isl', weight: 1 }] },
  ];
  const errors: string[] = [];
  for (const shape of shapes) {
    try {
      const plan = planMerge({ method: methodId, ...shape });
      return mergekitYaml({ method: methodId, base: plan.base, models: plan.models, global: plan.global, dtype: plan.dtype, diagnostics: [] }, (id) => names[id]);
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  throw new Error(`no merge of ${methodId} could be planned: ${errors.join('; ')}`);
}

describe('exported mergekit YAML loads as mergekit\'s MergeConfiguration', () => {
  const exportable = MERGE_METHODS.filter((m) => m.mergekitName);

  it('every method with a mergekit name is one mergekit registers', () => {
    expect(exportable.length).toBeGreaterThanOrEqual(15);
    for (const m of exportable) expect(Object.keys(MERGEKIT_METHODS), m.id).toContain(m.mergekitName);
  });

  it('every key of every method\'s export is a field or a parameter mergekit declares, with its type, and nothing required is missing', () => {
    for (const m of exportable) expect(methodProblems(exportedYaml(m.id)), m.id).toEqual([]);
  });

  it('the check refuses what mergekit refuses or silently drops, naming the key', () => {
    const ties = exportedYaml('ties');
    const broken = (from: RegExp, to: string) => {
      expect(ties).toMatch(from);
      return methodProblems(ties.replace(from, to));
    };
    expect(broken(/merge_method: ties/, 'merge_method: tie')).toEqual([expect.stringMatching(/merge_method: "tie" is not one of linear, slerp/)]);
    expect(broken(/base_model:/, 'base_modle:')).toEqual(expect.arrayContaining([expect.stringMatching(/config\.base_modle: MergeConfiguration .* has no field/)]));
    expect(broken(/density: 1/, 'densty: 1')).toEqual([expect.stringMatching(/models\[1\]\.parameters\.densty: not a per-model parameter/)]);
    expect(broken(/weight: 0\.5/, 'weight: half')).toEqual([expect.stringMatching(/config\.models\[2\]\.parameters\.weight: matches none/)]);
    expect(broken(/\n {6}weight: 0\.5/, '')).toEqual([expect.stringMatching(/models\[2\]: weight is required/)]);
    expect(broken(/dtype: float32/, 'dtype: fp32')).toEqual([expect.stringMatching(/dtype: "fp32" is not one of bfloat16, float16, float32, int64/)]);
    expect(methodProblems(exportedYaml('slerp').replace(/\n {2}t: 0\.5/, ''))).toEqual(expect.arrayContaining([expect.stringMatching(/parameters\.t: required by mergekit\/merge_methods\/slerp\.py/)]));
  });

  it('leaves the studio\'s own parameters out, saying so when they change the merge', () => {
    const plan = planMerge({ method: 'dare_ties', base: 'ck-base', models: [{ id: 'ck-isl', weight: 1, density: 0.5 }, { id: 'ck-fao', weight: 1, density: 0.5 }], params: { density_rescale: true } });
    const yaml = mergekitYaml({ method: 'dare_ties', base: plan.base, models: plan.models, global: plan.global, diagnostics: [] }, (id) => names[id]);
    expect(methodProblems(yaml)).toEqual([]);
    expect(yaml).toMatch(/^# density_rescale: true is the studio's own setting .*mergekit has no such parameter and merges as with false\.$/m);
    expect(yaml).not.toMatch(/^\s*density_rescale:/m);
  });

  it('writes fractions as floats PyYAML reads as floats', () => {
    const yaml = exportedYaml('multislerp');
    expect(yaml).toMatch(/eps: 1\.0e-8/);
    expect(methodProblems(yaml.replace('eps: 1.0e-8', 'eps: 1e-8'))).toEqual([expect.stringMatching(/parameters\.eps: matches none/)]);
  });

  it('names the models by their Hugging Face folders', () => {
    const ties = exportedYaml('ties');
    expect(ties).toContain('base_model: hf/base');
    expect(ties).toContain('- model: hf/adapt-isl-x1');
  });
});
