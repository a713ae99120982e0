import { describe, expect, it } from 'vitest';
import { checkSetting, describeSpec, narrowed, rangeRule, type Spec, specOf, validateSettings } from './params';

const SPECS = [
  { name: 'steps', kind: 'int', min: 1, label: 'steps', help: '' },
  { name: 'warmup', kind: 'int', default: 0, min: 0, max: { ref: 'steps', label: 'steps' }, label: 'warmup', help: '' },
  { name: 'seqLen', kind: 'int', min: 2, max: { ref: 'max_position_embeddings', label: "the model's max_position_embeddings" }, label: 'seq len', help: '' },
  { name: 'kind', kind: 'enum', values: ['a', 'b'], default: 'a', label: 'kind', help: '' },
  { name: 'corpus', kind: 'ref', ref: 'corpus', label: 'corpus', help: '' },
] as const satisfies readonly Spec[];
const ctx = { ids: { corpus: ['c1', 'c2'] }, limits: { max_position_embeddings: 32 } };

describe('schema validation', () => {
  it('fills defaults and types the result', () => {
    const v = validateSettings(SPECS, { steps: 10, seqLen: 32, corpus: 'c2' }, ctx, 'option');
    expect(v).toEqual({ steps: 10, warmup: 0, seqLen: 32, kind: 'a', corpus: 'c2' });
  });

  it('takes a bound from the context or from an earlier setting', () => {
    expect(() => validateSettings(SPECS, { steps: 10, seqLen: 33, corpus: 'c1' }, ctx, 'option')).toThrow('seqLen must be an integer from 2 to 32, got 33');
    expect(() => validateSettings(SPECS, { steps: 10, warmup: 11, seqLen: 8, corpus: 'c1' }, ctx, 'option')).toThrow('warmup must be an integer from 0 to 10, got 11');
    // A model whose context is not known: the bound is named, and not applied.
    expect(validateSettings(SPECS, { steps: 1, seqLen: 4096, corpus: 'c1' }, { ids: ctx.ids }, 'option').seqLen).toBe(4096);
    expect(rangeRule(SPECS[2])).toBe("an integer from 2 to the model's max_position_embeddings");
    expect(rangeRule(SPECS[2], { max_position_embeddings: 64 })).toBe('an integer from 2 to 64');
  });

  it('names unknown options, bad enums and unknown references with what is allowed', () => {
    expect(() => validateSettings(SPECS, { stepz: 1 }, ctx, 'option')).toThrow('unknown option(s) stepz; allowed: steps, warmup, seqLen, kind, corpus');
    expect(() => validateSettings(SPECS, { steps: 1, seqLen: 8, kind: 'c', corpus: 'c1' }, ctx, 'option')).toThrow('kind must be one of a, b, got "c"');
    expect(() => checkSetting(SPECS[4], 'c3', ctx)).toThrow('corpus "c3" is not a known corpus; see studio.corpora()');
  });

  it('lets a derived spec narrow bounds, never widen them', () => {
    expect(narrowed(SPECS[0], { min: 5, max: 100 })).toMatchObject({ min: 5, max: 100 });
    expect(() => narrowed(SPECS[0], { min: 0 })).toThrow(/may only narrow the bounds/);
    expect(() => narrowed(SPECS[2], { max: undefined })).toThrow(/may only narrow the bounds/);
    expect(() => narrowed(SPECS[2], { max: { ref: 'other', label: 'x' } })).toThrow(/may only narrow the bounds/);
  });

  it('documents a spec by its rule and default', () => {
    expect(describeSpec(SPECS[1])).toEqual({ rule: 'an integer from 0 to steps', default: '0' });
    expect(describeSpec(SPECS[3])).toEqual({ rule: 'one of "a", "b"', default: '"a"' });
    expect(describeSpec({ name: 'lr', kind: 'number', min: 0, minExclusive: true, max: 1, label: '', help: '' }).rule).toBe('a number above 0 and at most 1');
  });
});

describe('evaluation settings, one limit for evaluate() and recipes', () => {
  it('the recipe narrows evaluate()\'s entries and both refuse below the same floor', async () => {
    const { EVALUATION_SETTINGS } = await import('./eval/settings');
    const { EVALUATION_FIELDS } = await import('./experiment/fields');
    const api = specOf(EVALUATION_SETTINGS, 'validationTokens');
    const recipe = specOf(EVALUATION_FIELDS, 'validationTokens');
    expect(recipe.min).toBe(api.min);
    expect(() => checkSetting(api, 63, {})).toThrow('validationTokens must be an integer from 64 up, got 63');
    expect(() => checkSetting(specOf(EVALUATION_SETTINGS, 'maxPairs'), 0, {})).toThrow('maxPairs must be an integer from 1 to 1000000, got 0');
    expect(specOf(EVALUATION_FIELDS, 'maxPairs')).toMatchObject({ default: 200, max: 100_000, min: 1 });
  });
});
