import { describe, expect, it } from 'vitest';
import { summarizeMessage } from './summarizeMessage';

describe('summarizeMessage: one line, details on demand', () => {
  it('keeps a short message whole, with no details', () => {
    expect(summarizeMessage('steps must be an integer from 1 to 10000000')).toEqual({ line: 'steps must be an integer from 1 to 10000000', details: [] });
  });

  it('cuts a shape-mismatch list to its head and the count of its problems', () => {
    const problems = Array.from({ length: 8 }, (_, i) => `model.layers.${i}.mlp.up_proj.weight has shape [128, 64], the config wants [256, 64]`);
    const text = `model.safetensors does not match its config: ${problems.join('; ')}; and 10 more`;
    const s = summarizeMessage(text);
    expect(s.line).toBe('model.safetensors does not match its config (18 problems)');
    expect(s.details).toEqual([...problems, 'and 10 more']);
  });

  it('clips a long single sentence and keeps it whole in the details', () => {
    const text = `the model needs ${'x'.repeat(300)}`;
    const s = summarizeMessage(text);
    expect(s.line.length).toBe(140);
    expect(s.line.endsWith('…')).toBe(true);
    expect(s.details).toEqual([text]);
  });

  it('without a head, keeps the first problem and counts the rest', () => {
    const s = summarizeMessage(`${'a'.repeat(90)} is wrong; ${'b'.repeat(90)} is missing`);
    expect(s.line).toBe(`${'a'.repeat(90)} is wrong (and 1 more)`);
    expect(s.details).toHaveLength(2);
  });

  it('takes a multi-line message line by line', () => {
    const s = summarizeMessage('import failed\nconfig.json: bad\ntokenizer.json: missing');
    expect(s.line).toBe('import failed (and 2 more)');
    expect(s.details).toEqual(['import failed', 'config.json: bad', 'tokenizer.json: missing']);
  });
});
