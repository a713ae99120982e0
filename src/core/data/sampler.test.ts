import { describe, expect, it } from 'vitest';
import { MixtureSampler } from './sampler';
import { evaluationWindows, tokenizeBytes, tokenizeLines } from './tokens';
import { ByteTokenizer } from '../tokenizer/byte';

const tok = new ByteTokenizer();
const bytes = (s: string) => new TextEncoder().encode(s);

describe('tokenized text', () => {
  it('records line starts and joins lines with one newline, as tokenizeLines does', () => {
    const t = tokenizeBytes(bytes('ab\n\ncd\nef'));
    expect(Array.from(t.lineStarts)).toEqual([0, 3, 6]);
    expect(tok.decode(t.ids)).toBe('ab\ncd\nef\n');
    const g = tokenizeLines(tok, 'ab\n\ncd\nef');
    expect(Array.from(g.ids)).toEqual(Array.from(t.ids));
    expect(Array.from(g.lineStarts)).toEqual([0, 3, 6]);
  });
});

describe('MixtureSampler', () => {
  const a = tokenizeBytes(bytes('aaaa aaaa\n'.repeat(50)));
  const b = tokenizeBytes(bytes('bbbb bbbb\n'.repeat(50)));
  const sampler = new MixtureSampler([{ id: 'a', weight: 3, text: a }, { id: 'b', weight: 1, text: b }], 8, 12, 42, tok.bos);

  it('gives the same batch for the same step and another for another step', () => {
    expect(sampler.batch(5)).toEqual(sampler.batch(5));
    expect(sampler.batch(5).inputs).not.toEqual(sampler.batch(6).inputs);
    const other = new MixtureSampler(sampler.sources, 8, 12, 43, tok.bos);
    expect(other.batch(5).inputs).not.toEqual(sampler.batch(5).inputs);
  });

  it('starts each window with BOS then a line start; targets are inputs shifted by one', () => {
    const batch = sampler.batch(0);
    for (let r = 0; r < 8; r++) {
      const row = Array.from(batch.inputs.subarray(r * 12, r * 12 + 12));
      const tgt = Array.from(batch.targets.subarray(r * 12, r * 12 + 12));
      expect(row[0]).toBe(tok.bos);
      expect(row.slice(1)).toEqual(tgt.slice(0, 11));
      expect(tok.decode(tgt).startsWith(batch.sourceOfRow[r] === 'a' ? 'aaaa' : 'bbbb')).toBe(true);
    }
  });

  it('mixes corpora in proportion to their weights', () => {
    let countA = 0;
    for (let s = 0; s < 200; s++) countA += sampler.batch(s).sourceOfRow.filter((x) => x === 'a').length;
    expect(countA / 1600).toBeGreaterThan(0.7);
    expect(countA / 1600).toBeLessThan(0.8);
  });
});

describe('evaluationWindows', () => {
  it('spreads a fixed number of windows over the text, each at a line start', () => {
    const t = tokenizeBytes(bytes(Array.from({ length: 40 }, (_, i) => `line ${i} text`).join('\n')));
    const w = evaluationWindows(t, 16, 64, tok.bos);
    expect(w.batchSize).toBe(4);
    const firsts = new Set<string>();
    for (let r = 0; r < 4; r++) {
      const first = w.targets[r * 16];
      expect(first).toBe('l'.charCodeAt(0));
      firsts.add(tok.decode(w.targets.subarray(r * 16, r * 16 + 8)));
    }
    // Spread over the text: four different lines, not one line four times.
    expect(firsts.size).toBe(4);
    expect(evaluationWindows(t, 16, 64, tok.bos)).toEqual(w);
  });
  it('masks the wrap-around of a text shorter than one window', () => {
    const t = tokenizeBytes(bytes('hi'));
    const w = evaluationWindows(t, 8, 64, tok.bos);
    expect(w.batchSize).toBe(1);
    expect(Array.from(w.mask)).toEqual([1, 1, 1, 0, 0, 0, 0, 0]);
  });
});
