// Gradient accumulation in recipes: base.microBatch and adapt.microBatch are training's own
// entry, checked against the section's batchSize, carried into the planned runs, and absent from
// a plan when 0, so the stage keys of recipes written before it stay the same; the nanotron
// export states the same accumulation.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { clone, studioContext } from '../testing/experimentFixtures';
import { RECIPE_PRESETS, RECIPE_SCHEMA_DOC, type Recipe, validateRecipe } from './recipe';
import { planExperiment } from './plan';
import { nanotronConfigs } from './scaleOut';

const ctx = studioContext();
const quick = RECIPE_PRESETS.find((p) => p.id === 'quick-demo')!.recipe;

function withMicroBatch(base: number | undefined, adapt: number | undefined): Record<string, any> {
  const r = clone(quick) as unknown as Record<string, any>;
  if (base === undefined) delete r.base.microBatch;
  else r.base.microBatch = base;
  if (adapt === undefined) delete r.adapt.microBatch;
  else r.adapt.microBatch = adapt;
  return r;
}

describe('microBatch in a recipe', () => {
  it('refuses one that does not divide the batch or exceeds it, at its path, with the rule', () => {
    const r = validateRecipe(withMicroBatch(3, 16), ctx);
    if (!('problems' in r)) throw new Error('expected problems');
    expect(r.problems.map((p) => [p.path, p.message])).toEqual([
      ['$.base.microBatch', expect.stringMatching(/must be an integer from 0 to 8 that is 0 or divides batch size \(8\)/)],
      ['$.adapt.microBatch', expect.stringMatching(/must be an integer from 0 to 8 that is 0 or divides batch size \(8\)/)],
    ]);
    expect(RECIPE_SCHEMA_DOC).toContain('`microBatch`');
  });

  it('defaults to 0, and the runs it plans carry a divisor through to their stages', () => {
    const r = validateRecipe(withMicroBatch(undefined, undefined), ctx);
    if (!('recipe' in r)) throw new Error(JSON.stringify(r.problems));
    expect([r.recipe.base.from === 'scratch' && r.recipe.base.microBatch, r.recipe.adapt.microBatch]).toEqual([0, 0]);
    const ok = validateRecipe(withMicroBatch(2, 4), ctx) as { recipe: Recipe };
    const plan = planExperiment(ok.recipe);
    const base = plan.stages.find((s) => s.kind === 'base');
    expect(base?.kind === 'base' && base.train?.microBatch).toBe(2);
    const adapts = plan.stages.flatMap((s) => (s.kind === 'adapt' ? [s] : []));
    expect(adapts.length).toBeGreaterThan(0);
    for (const s of adapts) expect(s.microBatch).toBe(4);
  });

  it('plans without accumulation keep the stage keys they had before microBatch existed', () => {
    // A stage's key hashes its fields: with no microBatch field they hash as before.
    const plan = planExperiment(quick);
    for (const s of plan.stages) expect('microBatch' in s || ('train' in s && s.train && 'microBatch' in s.train), s.id).toBe(false);
    const accumulated = planExperiment((validateRecipe(withMicroBatch(2, 2), ctx) as { recipe: Recipe }).recipe);
    // Accumulation is part of what a run is asked, so its stages are new ones.
    expect(accumulated.stages.find((s) => s.id === 'base')!.key).not.toBe(plan.stages.find((s) => s.id === 'base')!.key);
  });

  it("exports accumulation as nanotron's: micro_batch_size passes, batch_accumulation_per_replica of them per step", () => {
    const recipe = (validateRecipe(withMicroBatch(2, 4), ctx) as { recipe: Recipe }).recipe;
    const files = nanotronConfigs(planExperiment(recipe), recipe);
    const tokens = (name: string) => parse(files.find((f) => f.name === name)!.text).tokens;
    expect(tokens('nanotron/base.yaml')).toMatchObject({ micro_batch_size: 2, batch_accumulation_per_replica: 4 });
    expect(tokens('nanotron/adapt-isl-x1.yaml')).toMatchObject({ micro_batch_size: 4, batch_accumulation_per_replica: 2 });
  });
});
