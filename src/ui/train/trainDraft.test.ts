import { describe, expect, it } from 'vitest';
import { ENGLISH_CORPUS } from '../../core/data/corpusIds';
import { INITIAL_DRAFT, trainDraftErrors, trainOptions } from './trainDraft';

const ctx = { corpusIds: [ENGLISH_CORPUS], maxPositionEmbeddings: 32 };

describe('the Train form as typed: every field checked at once, nothing changed', () => {
  it('finds the starting form valid for a model whose context holds its seq len', () => {
    expect(trainDraftErrors('m', INITIAL_DRAFT, { ...ctx, maxPositionEmbeddings: 64 })).toEqual({});
  });

  it('marks steps −10, batch 0, lr −1 and seq len 500 together, naming the model limit', () => {
    const draft = { ...INITIAL_DRAFT, steps: '-10', batchSize: '0', lr: '-1', seqLen: '500' };
    expect(trainDraftErrors('m', draft, ctx)).toEqual({
      steps: 'must be an integer from 1 to 10000000',
      batchSize: 'must be an integer from 1 to 4096',
      seqLen: "must be an integer from 2 to 32 (the model's max_position_embeddings)",
      lr: 'must be a number above 0 and at most 1',
    });
    // The options keep what was typed: no seq len fitted to the model.
    expect(trainOptions('m', draft).seqLen).toBe(500);
  });

  it('says an empty field needs a number and a bad mix row names its corpus', () => {
    const errors = trainDraftErrors('m', { ...INITIAL_DRAFT, seqLen: '16', steps: '', data: [{ corpus: 'nope', weight: '1' }] }, ctx);
    expect(errors.steps).toBe('type an integer from 1 to 10000000');
    expect(errors.data).toMatch(/^data\[0\]\.corpus "nope" is not a known corpus/);
  });

  it('checks warmup against the steps typed', () => {
    expect(trainDraftErrors('m', { ...INITIAL_DRAFT, seqLen: '16', steps: '5', warmupSteps: '9' }, ctx).warmupSteps).toBe('must be an integer from 0 to 5 (steps)');
  });
});
