// tokenizer.json files the library would guess at, skip or mis-run are refused with the path and
// what is allowed; real shapes (byte-level BPE, WordPiece, Unigram, Llama 3's Split) pass.
import { describe, expect, it } from 'vitest';
import { Tokenizer } from '@huggingface/tokenizers';
import { validateTokenizerJson } from './validate';
import { importTokenizer } from './hf';
import { bpeTokenizerFiles } from '../testing/bpeFixture';

type Json = Record<string, unknown>;
const SAMPLE = 'the cat sat on the mat . the dog sat on the log .\n'.repeat(4);
const bpe = (): Json => JSON.parse(bpeTokenizerFiles(SAMPLE, 20).tokenizer) as Json;
const model = (j: Json) => j.model as Json;
const refusal = (j: Json): string => {
  try {
    validateTokenizerJson(j);
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
};

const LLAMA3_SPLIT = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

describe('validateTokenizerJson', () => {
  it('accepts real shapes: byte-level BPE, Llama 3 Split + ByteLevel, WordPiece, Unigram', () => {
    expect(refusal(bpe())).toBe('accepted');
    const llama3 = bpe();
    llama3.pre_tokenizer = { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: LLAMA3_SPLIT }, behavior: 'Isolated', invert: false }, { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false }] };
    expect(refusal(llama3)).toBe('accepted');
    const wordPiece = { added_tokens: [{ id: 0, content: '[UNK]', special: true }], normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true }, pre_tokenizer: { type: 'BertPreTokenizer' }, post_processor: null, decoder: { type: 'WordPiece', prefix: '##', cleanup: true }, model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: { '[UNK]': 0, the: 1, cat: 2, '##s': 3 } } };
    expect(refusal(wordPiece)).toBe('accepted');
    const unigram = { added_tokens: [], normalizer: { type: 'Sequence', normalizers: [{ type: 'Prepend', prepend: '▁' }, { type: 'Replace', pattern: { String: ' ' }, content: '▁' }] }, pre_tokenizer: null, post_processor: null, decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true }, model: { type: 'Unigram', unk_id: 0, vocab: [['<unk>', 0], ['▁the', -1.5], ['▁cat', -2], ['a', -3]] } };
    expect(refusal(unigram)).toBe('accepted');
    // What the library accepts of them it also runs: the same files build without error.
    for (const j of [bpe(), llama3, wordPiece, unigram]) expect(() => new Tokenizer(j, {}).encode('the cats sat')).not.toThrow();
  });

  it('refuses an unknown or missing model type, naming the allowed ones', () => {
    const j = bpe();
    model(j).type = 'Foo';
    expect(refusal(j)).toBe('tokenizer.json model.type "Foo" is not one the tokenizer library runs; allowed: BPE, WordPiece, Unigram');
    model(j).type = 'WordLevel';
    expect(refusal(j)).toMatch(/model.type "WordLevel" is not one/);
    delete model(j).type;
    expect(refusal(j)).toMatch(/model.type is missing; allowed: BPE, WordPiece, Unigram/);
  });

  it('refuses a BPE vocab of the wrong shape: string ids, duplicate ids, a list', () => {
    let j = bpe();
    (model(j).vocab as Json).x = '7';
    expect(refusal(j)).toBe('tokenizer.json model.vocab["x"] is "7", must be an integer id of 0 or more');
    j = bpe();
    (model(j).vocab as Json).zz = 5;
    expect(refusal(j)).toMatch(/model.vocab\["zz"\] and model.vocab\["."\] both have id 5; each id must name one token/);
    j = bpe();
    (model(j).vocab as Json).neg = -1;
    expect(refusal(j)).toMatch(/model.vocab\["neg"\] is -1/);
    j = bpe();
    model(j).vocab = [['a', 0]];
    expect(refusal(j)).toMatch(/model.vocab is \[\["a",0\]\], must be an object of token → integer id/);
  });

  it('refuses merges of the wrong shape, mixed formats and merges of unknown tokens', () => {
    let j = bpe();
    (model(j).merges as unknown[]).push('a b c');
    expect(refusal(j)).toMatch(/model.merges\[\d+\] is "a b c", must be a string "a b" of two tokens/);
    j = bpe();
    (model(j).merges as unknown[]).push(['a', 'b']);
    expect(refusal(j)).toMatch(/model.merges\[\d+\] is \["a","b"\], must be a string "a b"/);
    j = bpe();
    (model(j).merges as unknown[]).push('q zzz');
    expect(refusal(j)).toMatch(/model.merges\[\d+\] "q zzz" needs "zzz", which is not in model.vocab/);
    j = bpe();
    delete model(j).merges;
    expect(refusal(j)).toMatch(/model.merges is undefined, must be a list/);
  });

  it('refuses BPE options the library ignores', () => {
    const j = bpe();
    model(j).continuing_subword_prefix = '##';
    model(j).dropout = 0.1;
    model(j).unk_token = '<unk>';
    const msg = refusal(j);
    expect(msg).toMatch(/model.unk_token "<unk>" is not in model.vocab/);
    expect(msg).toMatch(/model.continuing_subword_prefix is "##"; the tokenizer library's BPE ignores it/);
    expect(msg).toMatch(/model.dropout is 0.1; BPE dropout makes tokenization random/);
  });

  it('refuses WordPiece and Unigram shapes the library would mis-run', () => {
    const wp = { added_tokens: [], normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null, model: { type: 'WordPiece', vocab: { a: 0 } } };
    expect(refusal(wp)).toMatch(/model.unk_token is missing; WordPiece needs/);
    expect(refusal(wp)).toMatch(/model.continuing_subword_prefix is undefined, must be a string/);
    const uni = { added_tokens: [], normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null, model: { type: 'Unigram', unk_id: 9, vocab: [['a', -1], ['b', '2'], ['a', -3]] } };
    const msg = refusal(uni);
    expect(msg).toMatch(/model.vocab\[1\] is \["b","2"\], must be \[piece, score\]/);
    expect(msg).toMatch(/model.vocab\[2\] repeats the piece "a" of model.vocab\[0\]/);
    expect(msg).toMatch(/model.unk_id is 9, must be the index of a piece in model.vocab \(0 to 2\)/);
  });

  it('refuses added tokens that clash with each other or with the vocabulary', () => {
    const j = bpe();
    const added = j.added_tokens as Json[];
    added.push({ id: 0, content: '<x>', special: true });
    added.push({ id: 300, content: '<|endoftext|>', special: true });
    added.push({ id: 5, content: '<y>' });
    added.push({ id: '9', content: '<z>' });
    const msg = refusal(j);
    expect(msg).toMatch(/added_tokens\[1\] and added_tokens\[0\] both have id 0/);
    expect(msg).toMatch(/added_tokens\[2\] repeats the content "<\|endoftext\|>"/);
    expect(msg).toMatch(/added_tokens\[3\] gives id 5 to "<y>", but model.vocab gives it to/);
    expect(msg).toMatch(/; and 1 more problem$/); // five are listed
    expect(refusal({ ...j, added_tokens: [{ id: '9', content: '<z>' }] })).toMatch(/added_tokens\[0\].id is "9", must be an integer id/);
    j.added_tokens = undefined;
    expect(refusal(j)).toMatch(/added_tokens is undefined, must be a list/);
  });

  it('refuses normalizer and pre-tokenizer types the library does not implement, with the path', () => {
    const j = bpe();
    j.normalizer = { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Nmt' }] };
    j.pre_tokenizer = { type: 'Sequence', pretokenizers: [{ type: 'UnicodeScripts' }, { type: 'ByteLevel' }] };
    const msg = refusal(j);
    expect(msg).toMatch(/^tokenizer.json normalizer.normalizers\[1\].type "Nmt" is not a normalizer the tokenizer library implements; allowed: BertNormalizer, Precompiled/);
    expect(msg).toMatch(/pre_tokenizer.pretokenizers\[0\].type "UnicodeScripts" is not a pre-tokenizer the tokenizer library implements; allowed: BertPreTokenizer, Sequence/);
    j.normalizer = null;
    j.pre_tokenizer = null;
    j.decoder = { type: 'Fancy' };
    expect(refusal(j)).toMatch(/decoder.type "Fancy" is not a decoder the tokenizer library implements/);
    delete j.decoder;
    expect(refusal(j)).toMatch(/has no "decoder" key/);
  });

  it('refuses patterns the library would skip or mis-run', () => {
    const j = bpe();
    const splitWith = (x: Json) => (j.pre_tokenizer = { type: 'Split', pattern: { Regex: '\\s+' }, behavior: 'Isolated', invert: false, ...x });
    splitWith({ pattern: { Glob: '*' } });
    expect(refusal(j)).toMatch(/pre_tokenizer.pattern is \{"Glob":"\*"\}, must be \{"String": "..."\} or \{"Regex": "..."\}/);
    splitWith({ pattern: { Regex: '(unclosed' } });
    expect(refusal(j)).toMatch(/pre_tokenizer.pattern.Regex "\(unclosed" is not a regular expression the tokenizer library can compile/);
    splitWith({ behavior: 'MergedWithPrevious' });
    expect(refusal(j)).toMatch(/pre_tokenizer.behavior is "MergedWithPrevious"; the tokenizer library runs Split only as Isolated or Removed/);
    splitWith({ invert: true });
    expect(refusal(j)).toMatch(/invert true with behavior "Isolated"/);
    splitWith({ behavior: 'Removed', pattern: { Regex: '(\\s)+' } });
    expect(refusal(j)).toMatch(/removes matches of a pattern the tokenizer library captures/);
    splitWith({ behavior: 'Removed', pattern: { Regex: '(?:\\s)+' } });
    expect(refusal(j)).toBe('accepted');
    j.pre_tokenizer = { type: 'Punctuation', behavior: 'Isolated' };
    expect(refusal(j)).toMatch(/pre_tokenizer.behavior is "Isolated"; the tokenizer library groups runs of punctuation/);
    j.pre_tokenizer = { type: 'FixedLength', length: 0 };
    expect(refusal(j)).toMatch(/pre_tokenizer.length is 0, must be a positive integer/);
    j.pre_tokenizer = null;
    j.normalizer = { type: 'Replace', pattern: { String: 'a' } };
    expect(refusal(j)).toMatch(/normalizer.content is undefined, must be the replacement string/);
  });

  it('refuses a Metaspace split the library would not make when pieces span words', () => {
    const j = bpe();
    j.pre_tokenizer = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true };
    expect(refusal(j)).toBe('accepted'); // no piece holds ▁ past its start: not splitting changes nothing
    (model(j).vocab as Json)['a▁b'] = 9999;
    expect(refusal(j)).toMatch(/pre_tokenizer.split is true; the tokenizer library does not split at "▁".*model.vocab has "a▁b"/);
  });

  it('is what importTokenizer applies before building the tokenizer', async () => {
    const files = bpeTokenizerFiles(SAMPLE, 20);
    const j = JSON.parse(files.tokenizer) as Json;
    model(j).type = 'Foo';
    await expect(importTokenizer({ tokenizer: JSON.stringify(j), config: files.config }, {}, 512)).rejects.toThrow('tokenizer.json model.type "Foo" is not one the tokenizer library runs');
  });
});
