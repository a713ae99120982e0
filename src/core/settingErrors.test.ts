import { describe, expect, it } from 'vitest';
import { paramErrors, settingErrors } from './params';
import { TRAIN_SETTINGS, trainSchemaContext } from './train/settings';
import { ENGLISH_CORPUS } from './data/corpusIds';

const ctx = trainSchemaContext({ corpusIds: [ENGLISH_CORPUS], maxPositionEmbeddings: 32 });
const good = { from: 'm1', data: [{ corpus: ENGLISH_CORPUS, weight: 1 }], steps: 20, batchSize: 4, seqLen: 16, lr: 0.003, warmupSteps: 2, watch: [ENGLISH_CORPUS] };

describe('settingErrors: every field problem at once, as the form is typed', () => {
  it('finds nothing in a valid form, defaults standing in for what is left out', () => {
    expect(settingErrors(TRAIN_SETTINGS, good, ctx)).toEqual({});
  });

  it('gives each bad field its rule, all at once', () => {
    const errors = settingErrors(TRAIN_SETTINGS, { ...good, steps: -10, batchSize: 0, lr: -1 }, ctx);
    expect(Object.keys(errors).sort()).toEqual(['batchSize', 'lr', 'steps']);
    expect(errors.steps).toBe('must be an integer from 1 to 10000000');
    expect(errors.batchSize).toBe('must be an integer from 1 to 4096');
    expect(errors.lr).toBe('must be a number above 0 and at most 1');
  });

  it('names a limit that comes from the model, never clamping the value', () => {
    const values = { ...good, seqLen: 500 };
    expect(settingErrors(TRAIN_SETTINGS, values, ctx).seqLen).toBe("must be an integer from 2 to 32 (the model's max_position_embeddings)");
    expect(values.seqLen).toBe(500);
  });

  it('checks a bound naming an earlier setting against its typed value', () => {
    expect(settingErrors(TRAIN_SETTINGS, { ...good, steps: 5, warmupSteps: 9 }, ctx).warmupSteps).toBe('must be an integer from 0 to 5 (steps)');
  });

  it('says an empty or non-numeric field needs a number', () => {
    expect(settingErrors(TRAIN_SETTINGS, { ...good, steps: NaN }, ctx).steps).toBe('type an integer from 1 to 10000000');
  });

  it('reports references and enums with the API\'s own message', () => {
    const errors = settingErrors(TRAIN_SETTINGS, { ...good, schedule: 'zigzag', data: [{ corpus: 'nope', weight: 1 }] }, ctx);
    expect(errors.schedule).toBe('schedule must be one of wsd, cosine, constant, got "zigzag"');
    expect(errors.data).toMatch(/"nope" is not a known corpus/);
  });
});

describe('paramErrors: a method form\'s parameters', () => {
  it('names an out-of-range parameter and passes good ones', () => {
    const specs = [{ name: 'factor', kind: 'int', default: 2, min: 2, max: 8, label: 'factor', help: '' }, { name: 'noise', kind: 'number', default: 0, min: 0, label: 'noise', help: '' }] as const;
    expect(paramErrors([...specs], { factor: 2, noise: 0.1 })).toEqual({});
    expect(paramErrors([...specs], { factor: 1, noise: NaN })).toEqual({ factor: 'must be an integer from 2 to 8', noise: 'type a number of at least 0' });
  });
});
