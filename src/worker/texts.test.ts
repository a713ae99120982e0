import { describe, expect, it } from 'vitest';
import { ByteTokenizer } from '../core/tokenizer/byte';
import { TextLibrary } from './texts';

const byte = new ByteTokenizer();
/** The same characters as a different string object, as each load decodes a fresh copy. */
const copy = (s: string) => new TextDecoder().decode(new TextEncoder().encode(s));

describe('TextLibrary.addCorpus', () => {
  it('keeps the tokenized copy when the same texts load again, and retokenizes when a text changed', () => {
    const lib = new TextLibrary();
    expect(lib.addCorpus('c', 'valid one\nvalid two', 'train one\ntrain two')).toEqual({ trainChars: 19, validChars: 19 });
    const first = lib.corpus('c', byte);
    lib.addCorpus('c', copy('valid one\nvalid two'), copy('train one\ntrain two'));
    expect(lib.corpus('c', byte)).toBe(first);
    // Without training text: the earlier one stays, and so does its tokenized copy.
    expect(lib.addCorpus('c', copy('valid one\nvalid two'), undefined)).toEqual({ trainChars: 19, validChars: 19 });
    expect(lib.corpus('c', byte)).toBe(first);
    // The same length, one character different: tokenized again.
    lib.addCorpus('c', 'valid one\nvalid twO', undefined);
    const second = lib.corpus('c', byte);
    expect(second).not.toBe(first);
    expect(second.train).toEqual(first.train);
    lib.addCorpus('c', 'valid one\nvalid twO', 'train one\ntrain twO');
    expect(lib.corpus('c', byte)).not.toBe(second);
  });
});
