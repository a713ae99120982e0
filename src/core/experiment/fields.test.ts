// The recipe's budget, scale, language and merge leaves are schema entries: validate.ts checks
// them through Checker.setting (so the problem is the spec's rule) and schema.ts documents them
// from the same entries.
import { describe, expect, it } from 'vitest';
import { describeSpec, rangeRule } from '../params';
import { clone, studioContext } from '../testing/experimentFixtures';
import { BUDGET_FIELDS, BUDGET_VALUE, LANGUAGE_FIELDS, MERGE_FIELDS, SCALE_FACTOR } from './fields';
import { RECIPE_PRESETS, RECIPE_SCHEMA_DOC, validateRecipe } from './recipe';

const ctx = studioContext();
const quick = RECIPE_PRESETS.find((p) => p.id === 'quick-demo')!.recipe;

function problemsOf(edit: (r: Record<string, any>) => void, context = ctx) {
  const r = clone(quick) as unknown as Record<string, any>;
  edit(r);
  const v = validateRecipe(r, context);
  return 'problems' in v ? v.problems : [];
}

describe('recipe leaves as schema entries', () => {
  it('documents budget, scale, language and merge fields from their specs', () => {
    for (const s of BUDGET_FIELDS) expect(RECIPE_SCHEMA_DOC).toContain(`| \`budget.${s.name}\` | ${describeSpec(s).rule} |`);
    expect(RECIPE_SCHEMA_DOC).toContain(`| \`budget.kind\` | one of "steps", "tokens", "flops" | required |`);
    expect(RECIPE_SCHEMA_DOC).toContain(`| \`scales\` | a list, each entry ${rangeRule(SCALE_FACTOR)} | [1,2] |`);
    expect(RECIPE_SCHEMA_DOC).toContain(`| \`corpus\` | ${describeSpec(LANGUAGE_FIELDS[0]).rule} | the first corpus of that language |`);
    expect(RECIPE_SCHEMA_DOC).toContain(`| \`method\` | ${describeSpec(MERGE_FIELDS[0]).rule} | required |`);
    expect(describeSpec(MERGE_FIELDS[0]).rule).toMatch(/^one of "linear", "task_arithmetic", "ties", .*"slerp"/);
  });

  it('words budget problems as the specs do, by kind', () => {
    const at = (path: string, ps: { path: string; message: string }[]) => ps.find((p) => p.path === path)?.message;
    expect(at('$.adapt.budget.value', problemsOf((r) => { r.adapt.budget = { kind: 'steps', value: 2.5 }; })))
      .toBe(`must be ${rangeRule(BUDGET_VALUE.steps)}; got 2.5`);
    expect(at('$.adapt.budget.value', problemsOf((r) => { r.adapt.budget = { kind: 'tokens', value: 0 }; })))
      .toBe('must be a number above 0 and at most 1e+21; got 0');
    const bad = problemsOf((r) => { r.adapt.budget = { kind: 'epochs', value: 3 }; });
    expect(at('$.adapt.budget.kind', bad)).toBe('"epochs" is not a budget kind; allowed: steps, tokens, flops');
    expect(problemsOf((r) => { r.adapt.budget = { kind: 'steps', value: 30, unit: 'x' }; })).toEqual([
      { path: '$.adapt.budget.unit', message: 'unknown field "unit"; allowed here: kind, value' },
    ]);
  });

  it('reports a JSON null as a value, not as a missing field taking its default', () => {
    expect(problemsOf((r) => { r.adapt.budget = { kind: 'steps', value: null }; })).toEqual([
      { path: '$.adapt.budget.value', message: 'must be an integer from 1 to 10000000; got null' },
    ]);
    // Before, a null warmupFraction silently became the default 0.05.
    expect(problemsOf((r) => { r.adapt.warmupFraction = null; })).toEqual([
      { path: '$.adapt.warmupFraction', message: 'must be a number from 0 to 0.5; got null' },
    ]);
  });

  it('checks a merge method against the methods the studio offers, which may be fewer than the registry holds', () => {
    const few = studioContext({ mergeMethods: ['linear', 'task_arithmetic'] });
    expect(problemsOf(() => {}, few)).toContainEqual({ path: '$.merges[1].method', message: '"ties" is not a merge method; allowed: linear, task_arithmetic' });
    expect(problemsOf((r) => { r.scales = [1, 2, 0]; })).toContainEqual({ path: '$.scales[2]', message: 'must be an integer from 1 to 8; got 0' });
    expect(problemsOf((r) => { r.languages[0] = { code: 'isl', corpus: 'nope' }; })[0]).toMatchObject({ path: '$.languages[0].corpus', message: expect.stringMatching(/^"nope" is not a corpus id; allowed: /) });
  });
});
