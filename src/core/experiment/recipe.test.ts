import { describe, expect, it } from 'vitest';
import { MODEL_PRESETS } from '../model/config';
import { flopsPerStep } from '../train/adapt';
import { clone, studioContext } from '../testing/experimentFixtures';
import { RECIPE_PRESETS, RECIPE_SCHEMA_DOC, type Recipe, validateRecipe } from './recipe';

const ctx = studioContext();
const quick = RECIPE_PRESETS.find((p) => p.id === 'quick-demo')!.recipe;

/** The problems of an input that must be rejected. */
function problemsOf(input: unknown, context = ctx) {
  const r = validateRecipe(input, context);
  if (!('problems' in r)) throw new Error('expected the recipe to be rejected');
  return r.problems;
}

function edited(edit: (r: Record<string, any>) => void): Record<string, any> {
  const r = clone(quick) as unknown as Record<string, any>;
  edit(r);
  return r;
}

describe('recipe presets', () => {
  for (const p of RECIPE_PRESETS) {
    it(`${p.id} validates and is already in normalized form`, () => {
      const r = validateRecipe(clone(p.recipe), ctx);
      expect('problems' in r ? r.problems : []).toEqual([]);
      expect((r as { recipe: Recipe }).recipe).toEqual(p.recipe);
    });
  }

  it('the schema doc names every field the presets use', () => {
    const fields = new Set<string>();
    const walk = (o: object) => {
      for (const [k, v] of Object.entries(o)) {
        if (k === 'config' || k === 'params' || k === 'modelParams') { fields.add(k); continue; }
        if (!/^\d+$/.test(k)) fields.add(k);
        if (v && typeof v === 'object') walk(v);
      }
    };
    for (const p of RECIPE_PRESETS) walk(p.recipe);
    for (const f of fields) expect(RECIPE_SCHEMA_DOC, f).toContain(f);
  });
});

describe('defaults', () => {
  it('fills defaults and finds a corpus for a bare language code', () => {
    const r = validateRecipe({
      base: { from: 'scratch', preset: 'tiny', budget: { kind: 'steps', value: 10 }, batchSize: 4, seqLen: 32, lr: 1e-3 },
      languages: ['isl', { code: 'fao', budget: { kind: 'tokens', value: 4096 } }],
      adapt: { budget: { kind: 'steps', value: 20 }, batchSize: 4, seqLen: 32, lr: 1e-3 },
      merges: [{ method: 'dare_ties', subset: ['isl', 'fao'] }],
      seed: 7,
    }, ctx);
    if (!('recipe' in r)) throw new Error(JSON.stringify(r.problems));
    const { recipe } = r;
    expect(recipe.languages).toEqual([{ code: 'isl', corpus: 'udhr-isl' }, { code: 'fao', corpus: 'udhr-fao', budget: { kind: 'tokens', value: 4096 } }]);
    expect(recipe.scales).toEqual([1, 2]);
    expect(recipe.adapt).toMatchObject({ replay: 0.25, replayCorpus: 'eng-brown', evalPoints: 5 });
    expect(recipe.base).toMatchObject({ corpus: 'eng-brown', config: MODEL_PRESETS[0].config });
    // DARE's drop takes the recipe's seed unless the merge names one; the rest are mergekit's
    // dare_ties defaults (no normalize, density 1.0, L1 rescale).
    expect(recipe.merges[0]).toMatchObject({ scales: [1, 2], params: { seed: 7, lambda: 1, normalize: false, rescale: true, density_rescale: false }, modelParams: { weight: 1, density: 1 } });
    expect(recipe.evaluation.suites).toEqual(['agreement-eng', 'wordorder-eng-brown', 'wordorder-udhr-isl', 'wordorder-udhr-fao']);
  });
});

describe('bad recipes', () => {
  it('applies the step limit train() applies: a budget that buys more steps than one run takes is refused by path', () => {
    const flops = problemsOf(edited((r) => (r.adapt.budget = { kind: 'flops', value: 1e21 })));
    expect(flops).toContainEqual({ path: '$.adapt.budget', message: expect.stringMatching(/^buys [\d.]+e\+\d+ training steps of the x1 model; a run takes at most 10,000,000 steps/) });
    const steps = problemsOf(edited((r) => (r.base.budget = { kind: 'steps', value: 1e9 })));
    expect(steps.map((p) => p.path)).toContain('$.base.budget.value');
    expect(problemsOf(edited((r) => (r.base.config = { ...r.base.config, num_hidden_layers: 1e8 }))).map((p) => p.message).join(' ')).toMatch(/config implies .* parameters/);
  });

  it('applies the device check createModel and grow apply: a scale whose model the device cannot store is refused by path', () => {
    const small = studioContext({ deviceLimits: { storageFreeBytes: 100e3 } });
    const problems = problemsOf(quick, small);
    expect(problems.map((p) => p.path)).toContain('$.scales[1]');
    expect(problems.find((p) => p.path === '$.scales[1]')!.message).toMatch(/^the x2 model would be stored as a [\d.]+ MiB checkpoint, but the browser estimates only 97\.7 kB|^the x2 model would be stored as a [\d.]+ MiB checkpoint, but the browser estimates only 0\.1 MiB of storage left/);
    expect('recipe' in validateRecipe(quick, studioContext({ deviceLimits: { storageFreeBytes: 1e9, maxBindingBytes: 2 ** 27 } }))).toBe(true);
  });

  it('names the missing required parts of an empty recipe, and refuses a non-object', () => {
    expect(problemsOf({}).map((p) => p.path)).toEqual(['$.base', '$.languages', '$.adapt']);
    expect(problemsOf({}).map((p) => p.message)[1]).toBe('is required and must be a list of target languages');
    expect(problemsOf([1, 2])[0]).toMatchObject({ path: '$', message: expect.stringMatching(/^must be an object with the fields version, name, seed, base/) });
  });

  it('rejects unknown keys at every level, each at its own path', () => {
    const problems = problemsOf(edited((r) => {
      r.comment = 'hi';
      r.adapt.replayShare = 0.3;
      r.merges[1].params.lamda = 2;
      r.base.config.hidden = 64;
    }));
    expect(problems.map((p) => p.path).sort()).toEqual(['$.adapt.replayShare', '$.base.config.hidden', '$.comment', '$.merges[1].params.lamda']);
    expect(problems.find((p) => p.path === '$.merges[1].params.lamda')!.message).toMatch(/unknown field "lamda"; allowed here: lambda, normalize/);
  });

  it('rejects a language with no corpus, or a corpus of another language', () => {
    expect(problemsOf(edited((r) => { r.languages.push('tlh'); }))).toEqual([
      { path: '$.languages[2]', message: expect.stringMatching(/no corpus for language tlh.*languages with a corpus: eng, ekk, fao/) },
    ]);
    expect(problemsOf(edited((r) => { r.languages[0].corpus = 'udhr-fao'; }))).toEqual([
      { path: '$.languages[0].corpus', message: 'corpus udhr-fao is in language fao, not isl' },
    ]);
  });

  it('rejects a budget that buys no step of the largest model, naming the step cost', () => {
    const big = MODEL_PRESETS[0].config;
    const perStep1 = flopsPerStep(big, 8, 32);
    // Two steps of the 1x model, but less than one of the x2 model (3.3 times the cost).
    const problems = problemsOf(edited((r) => { r.adapt.budget = { kind: 'flops', value: 2 * perStep1 }; }));
    expect(problems).toHaveLength(1);
    expect(problems[0].path).toBe('$.adapt.budget');
    expect(problems[0].message).toMatch(/buys no training step of the x2 model: the budget is 8\.887e\+7 FLOPs, one step \(8 x 32 tokens\) costs 1\.455e\+8/);
    expect(problemsOf(edited((r) => { r.languages[1].budget = { kind: 'tokens', value: 100 }; }))[0].path).toBe('$.languages[1].budget');
    expect(problemsOf(edited((r) => { r.base.budget = { kind: 'tokens', value: 100 }; }))[0].message).toMatch(/x1 model/);
  });

  it('rejects a merge subset naming a language not in the recipe', () => {
    expect(problemsOf(edited((r) => { r.merges[0].subset = ['isl', 'swe']; }))).toEqual([
      { path: '$.merges[0].subset[1]', message: '"swe" is not a language of this recipe; its languages: isl, fao' },
    ]);
  });

  it('lists several problems at once, each with its path', () => {
    const problems = problemsOf(edited((r) => {
      r.version = 2;
      r.scales = [2, 9];
      r.languages = ['isl', 'isl', 'xx'];
      r.adapt.replay = 0.8;
      r.merges.push({ method: 'averaging', subset: ['isl'] });
      r.evaluation.suites = ['agreement-eng', 'blimp-full'];
      delete r.base.lr;
    }));
    expect(problems.map((p) => p.path)).toEqual([
      '$.version', '$.base.lr', '$.languages[1]', '$.languages[2].code', '$.scales[1]', '$.scales', '$.adapt.replay',
      '$.merges[0].subset[1]', '$.merges[1].subset[1]', '$.merges[2].method', '$.merges[2].subset', '$.evaluation.suites[1]',
    ]);
    const msg = Object.fromEntries(problems.map((p) => [p.path, p.message]));
    expect(msg['$.scales']).toMatch(/must include 1/);
    expect(msg['$.scales[1]']).toBe('must be an integer from 1 to 8; got 9');
    expect(msg['$.adapt.replay']).toBe('must be a number from 0 to 0.5; got 0.8');
    expect(msg['$.merges[2].method']).toMatch(/"averaging" is not a merge method; allowed: linear, task_arithmetic, ties/);
    expect(msg['$.base.lr']).toBe('is required and must be a number above 0 and at most 1');
  });

  it('checks a checkpoint base against the studio, and its budgets when its config is known', () => {
    const base = { from: 'checkpoint', checkpoint: 'ckpt-1' };
    expect(problemsOf(edited((r) => { r.base = base; })).map((p) => p.path)).toEqual(['$.base.checkpoint']);
    const withConfig = studioContext({ checkpoints: [{ id: 'ckpt-1', config: MODEL_PRESETS[0].config }] });
    const ok = validateRecipe(edited((r) => { r.base = base; }), withConfig);
    expect('recipe' in ok && ok.recipe.base).toEqual(base);
    expect(problemsOf(edited((r) => { r.base = base; r.adapt.budget = { kind: 'flops', value: 1e6 }; }), withConfig).map((p) => p.path)).toEqual(['$.adapt.budget']);
  });

  it('rejects the same merge twice and a slerp of three experts', () => {
    const problems = problemsOf(edited((r) => {
      r.languages.push('swe');
      r.merges.push({ method: 'ties', subset: ['fao', 'isl'], scales: [2] });
      r.merges.push({ method: 'slerp', subset: ['isl', 'fao', 'swe'] });
    }));
    expect(problems).toEqual([
      { path: '$.merges[2]', message: 'merges the same languages with ties at the same scale as $.merges[1]' },
      { path: '$.merges[3].subset', message: 'slerp merges exactly 2 experts; got 3' },
    ]);
  });
});
