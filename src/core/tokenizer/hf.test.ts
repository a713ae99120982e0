import { describe, expect, it } from 'vitest';
import { hfTokenizerFromFiles, importTokenizer } from './hf';
import { byteTokenizerJson, ByteTokenizer } from './byte';
import { bpeTokenizerFiles } from '../testing/bpeFixture';

const SAMPLE = 'the cat sat on the mat . the dog sat on the log . they sat there and then the cat ran to the dog .\n'.repeat(5);

describe('Hugging Face tokenizer import', () => {
  it('tokenizes with the merges of a byte-level BPE tokenizer.json and decodes back exactly', async () => {
    const files = bpeTokenizerFiles(SAMPLE, 40);
    const r = await importTokenizer({ tokenizer: files.tokenizer, config: files.config }, { bos: 0, eos: 0 }, 512);
    if (r.spec.kind !== 'hf') throw new Error('expected hf');
    expect(r.spec).toMatchObject({ bos: 0, eos: 0, pad: 0, vocabSize: files.vocabSize });
    expect(r.spec.id).toMatch(/^[0-9a-f]{64}$/);
    const tok = hfTokenizerFromFiles(r.files!, r.spec);
    const ids = tok.encode('the cat sat');
    expect(ids.length).toBeLessThan(new TextEncoder().encode('the cat sat').length);
    expect(ids.every((i) => i > 0 && i < files.vocabSize)).toBe(true);
    for (const text of ['the cat sat on the mat', 'Þetta er íslenska, ekki satt?', 'x\ny  z', '日本語']) expect(tok.decode(tok.encode(text))).toBe(text);
    expect(tok.decode([0, ...ids])).toBe('the cat sat'); // special tokens dropped
  });

  it('gives the same id for the same files and a different one for other merges', async () => {
    const a = await importTokenizer(bpeTokenizerFiles(SAMPLE, 40), {}, 512);
    const b = await importTokenizer(bpeTokenizerFiles(SAMPLE, 40), {}, 512);
    const c = await importTokenizer(bpeTokenizerFiles(SAMPLE, 20), {}, 512);
    expect(a.spec).toEqual(b.spec);
    expect((a.spec as { id: string }).id).not.toBe((c.spec as { id: string }).id);
  });

  it('recognises the studio\'s own byte tokenizer', async () => {
    const r = await importTokenizer({ tokenizer: JSON.stringify(byteTokenizerJson()) }, {}, 259);
    expect(r.spec).toEqual(new ByteTokenizer().spec);
  });

  it('falls back to EOS for BOS and refuses what cannot work', async () => {
    const files = bpeTokenizerFiles(SAMPLE, 10);
    const noSpecials = JSON.stringify({ tokenizer_class: 'GPT2Tokenizer' });
    const r = await importTokenizer({ tokenizer: files.tokenizer, config: noSpecials }, { eos: 5 }, 512);
    expect(r.spec).toMatchObject({ bos: 5, eos: 5, pad: 5 });
    expect(r.notes.join()).toMatch(/no BOS token/);
    await expect(importTokenizer({ tokenizer: files.tokenizer, config: noSpecials }, {}, 512)).rejects.toThrow(/neither a BOS nor an EOS/);
    await expect(importTokenizer({ tokenizer: files.tokenizer, config: files.config }, {}, 100)).rejects.toThrow(/tokenizer.json has ids up to \d+ but config.json has vocab_size 100/);
    await expect(importTokenizer({ tokenizer: '{"model": ', config: files.config }, {}, 512)).rejects.toThrow(/tokenizer.json is not valid JSON/);
    await expect(importTokenizer({ tokenizer: files.tokenizer, config: JSON.stringify({ bos_token: '<s>' }) }, {}, 512)).rejects.toThrow(/bos_token "<s>", which tokenizer.json does not contain/);
  });
});
