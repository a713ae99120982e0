// The fixed prompt of a run's samples (first words of the validation text, shortened to leave
// room in the context), the sample itself against greedy generation, and reading the points
// that carry samples.
import { describe, expect, it } from 'vitest';
import { ByteTokenizer } from '../tokenizer/byte';
import { tokenizeLines } from '../data/tokens';
import { disposeModel, tinyModel } from '../testing/fixtures';
import { referenceKernels } from '../kernels';
import { generate } from '../model/generate';
import type { MetricPoint } from './settings';
import { corpusSample, samplePoints, samplePrompt } from './samples';

const byte = new ByteTokenizer();
const valid = (text: string) => tokenizeLines(byte, text);

describe('samplePrompt', () => {
  it('takes the first three words of the first line', () => {
    expect(samplePrompt(byte, valid('Vincent G. Ierulli has been appointed\nSecond line here'), 64)).toBe('Vincent G. Ierulli');
    expect(samplePrompt(byte, valid('\n\n  Hún er  \nog svo'), 64)).toBe('Hún er');
  });

  it('drops words while BOS and the prompt would take more than half the context', () => {
    // "the cat sat" is 11 bytes: 12 positions with BOS; "the cat" 8; "the" 4.
    expect(samplePrompt(byte, valid('the cat sat on the mat'), 24)).toBe('the cat sat');
    expect(samplePrompt(byte, valid('the cat sat on the mat'), 23)).toBe('the cat');
    expect(samplePrompt(byte, valid('the cat sat on the mat'), 8)).toBe('the');
    expect(samplePrompt(byte, valid('extraordinarily long'), 8)).toBe('');
    // Multi-byte letters count as their bytes: "þjóð" is 7 bytes, 8 positions with BOS.
    expect(samplePrompt(byte, valid('þjóð og'), 16)).toBe('þjóð');
    expect(samplePrompt(byte, valid('þjóð og'), 15)).toBe('');
    expect(samplePrompt(byte, valid(''), 16)).toBe('');
  });
});

describe('corpusSample', () => {
  it('is greedy generation after the prompt, at most the given tokens', async () => {
    const m = tinyModel({ vocab_size: 259, max_position_embeddings: 24 }, 3, 8);
    const v = valid('the cat sat on the mat');
    const s = await corpusSample(m, byte, v, 6, referenceKernels);
    const greedy = generate(m, byte, 'the cat sat', { temperature: 0, maxTokens: 6 }, referenceKernels);
    expect(s).toEqual({ prompt: 'the cat sat', text: greedy.text });
    expect(greedy.tokens).toHaveLength(6);
    disposeModel(m);
  });
});

describe('samplePoints', () => {
  it('keeps the points that carry samples, in order', () => {
    const base = { tokens: 0, loss: 1, lr: 0, gradNorm: 0, elapsed: 0, numTensors: 0, flops: 0 };
    const points: MetricPoint[] = [
      { ...base, step: 0, samples: { eng: { prompt: 'a', text: 'b' } } },
      { ...base, step: 1 },
      { ...base, step: 2, samples: {} },
      { ...base, step: 3, samples: { eng: { prompt: 'a', text: 'c' } } },
    ];
    expect(samplePoints(points).map((p) => p.step)).toEqual([0, 3]);
  });
});
