import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../core/model/config';
import { ENGLISH_CORPUS, ICELANDIC_CORPUS } from '../../core/data/corpusIds';
import { adaptDraftErrors, INITIAL_ADAPT } from './AdaptDraft';

const ctx = { corpusIds: [ENGLISH_CORPUS, ICELANDIC_CORPUS], maxPositionEmbeddings: DEFAULT_CONFIG.max_position_embeddings };

describe('the Adapt form as typed', () => {
  it('finds the starting form valid', () => {
    expect(adaptDraftErrors('m', INITIAL_ADAPT, ctx, DEFAULT_CONFIG)).toEqual({});
  });

  it('marks the replay share in the form\'s percent, the budget and the batch shape at once', () => {
    const errors = adaptDraftErrors('m', { ...INITIAL_ADAPT, replay: '80', budget: '-5', seqLen: '500' }, ctx, DEFAULT_CONFIG);
    expect(errors).toEqual({
      replay: 'must be from 0 to 50 (% of each batch)',
      budget: 'must be a positive number',
      seqLen: `must be an integer from 2 to ${DEFAULT_CONFIG.max_position_embeddings} (the model's max_position_embeddings)`,
    });
  });

  it('checks warmup against the steps the budget buys', () => {
    expect(adaptDraftErrors('m', { ...INITIAL_ADAPT, budget: '3', warmupSteps: '5' }, ctx, DEFAULT_CONFIG).warmupSteps).toBe('must be an integer from 0 to 3 (steps)');
  });
});
