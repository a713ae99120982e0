// A real byte-level BPE tokenizer.json for tests, shaped like SmolLM2's (<|endoftext|> at id 0,
// GPT-2 byte alphabet, ByteLevel pre-tokenizer and decoder), with merges learned greedily from a
// sample text: no model hub is reachable, and the importer must be tested on merges that apply.
import { bytesToUnicode } from '../tokenizer/byte';

function learnMerges(text: string, count: number): [string, string][] {
  const chars = bytesToUnicode();
  const words = new Map<string, number>();
  for (const w of text.split(/(?= )/)) {
    const key = [...new TextEncoder().encode(w)].map((b) => chars[b]).join('\u0001');
    words.set(key, (words.get(key) ?? 0) + 1);
  }
  let split = [...words].map(([k, n]) => ({ parts: k.split('\u0001'), n }));
  const merges: [string, string][] = [];
  for (let m = 0; m < count; m++) {
    const pairs = new Map<string, number>();
    for (const { parts, n } of split) for (let i = 0; i + 1 < parts.length; i++) {
      const p = `${parts[i]}\u0001${parts[i + 1]}`;
      pairs.set(p, (pairs.get(p) ?? 0) + n);
    }
    let best = '';
    let bestN = 0;
    for (const [p, n] of pairs) if (n > bestN || (n === bestN && p < best)) [best, bestN] = [p, n];
    if (bestN < 2) break;
    const [a, b] = best.split('\u0001');
    merges.push([a, b]);
    split = split.map(({ parts, n }) => {
      const out: string[] = [];
      for (let i = 0; i < parts.length; i++) {
        if (i + 1 < parts.length && parts[i] === a && parts[i + 1] === b) out.push(a + b), i++;
        else out.push(parts[i]);
      }
      return { parts: out, n };
    });
  }
  return merges;
}

/** tokenizer.json and tokenizer_config.json texts; vocabulary size = 257 + merges learned. */
export function bpeTokenizerFiles(sample: string, mergeCount: number): { tokenizer: string; config: string; vocabSize: number } {
  const vocab: Record<string, number> = { '<|endoftext|>': 0 };
  bytesToUnicode().forEach((ch, b) => (vocab[ch] = b + 1));
  const merges = learnMerges(sample, mergeCount);
  for (const [a, b] of merges) if (!(a + b in vocab)) vocab[a + b] = Object.keys(vocab).length;
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [{ id: 0, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: byteLevel,
    decoder: byteLevel,
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges: merges.map(([a, b]) => `${a} ${b}`) },
  };
  const config = { tokenizer_class: 'GPT2Tokenizer', bos_token: '<|endoftext|>', eos_token: '<|endoftext|>', unk_token: '<|endoftext|>', add_prefix_space: false, model_max_length: 2048 };
  return { tokenizer: JSON.stringify(tokenizer), config: JSON.stringify(config), vocabSize: Object.keys(vocab).length };
}
