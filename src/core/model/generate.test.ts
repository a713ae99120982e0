// Generation on tiny random models: the KV cache against full recomputation, greedy decoding
// against full forward passes and against scoreTexts' log-probabilities, seeded sampling, the
// streaming path against the synchronous one, the stop rules and the option checks.
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { forward } from './llama';
import { argmax, emptyCache, disposeCache, extend, generate, generateStreaming, sampleToken } from './generate';
import { scoreTexts } from '../eval/score';
import { disposeModel, tinyModel } from '../testing/fixtures';
import { referenceKernels } from '../kernels';
import type { Tokenizer } from '../tokenizer/tokenizer';

/** Letters a..l are ids 0..11, BOS is 12 (vocab 13); EOS is `eos`, by default an id never drawn. */
function letters(eos = 99): Tokenizer {
  return {
    spec: { kind: 'byte' },
    vocabSize: 13,
    bos: 12,
    eos,
    pad: 12,
    encode: (text) => Array.from(text, (ch) => {
      const id = ch.charCodeAt(0) - 97;
      if (id < 0 || id > 11) throw new Error(`no token for ${ch}`);
      return id;
    }),
    decode: (ids) => Array.from(ids).filter((i) => i < 12 && i !== eos).map((i) => String.fromCharCode(97 + i)).join(''),
  };
}

/** Logits of the last position of `seq` from one full forward pass. */
function fullLastLogits(m: ReturnType<typeof tinyModel>, seq: number[]): Float32Array {
  return tf.tidy(() => {
    const logits = forward(m, tf.tensor2d(seq, [1, seq.length], 'int32'), referenceKernels);
    return tf.slice(logits, [0, seq.length - 1, 0], [1, 1, m.config.vocab_size]).dataSync() as Float32Array;
  });
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (x, i) => Math.abs(x - b[i])));

const tied = tinyModel({}, 1, 8);
const untied = tinyModel({ tie_word_embeddings: false, hidden_act: 'gelu', logit_scale: 0.5, num_key_value_heads: 1 }, 2, 8);
afterAll(() => {
  disposeModel(tied);
  disposeModel(untied);
});

describe('KV cache', () => {
  for (const [name, m] of [['tied, SiLU, 2 KV heads', tied], ['untied, GELU, logit_scale, 1 KV head', untied]] as const) {
    it(`gives the logits of full recomputation at every position (${name})`, () => {
      const seq = Array.from({ length: m.config.max_position_embeddings }, (_, i) => (i * 7 + 3) % m.config.vocab_size);
      const cache = emptyCache();
      // A prefill of 3 positions, then one position per step up to the end of the context.
      let logits = extend(m, cache, seq.slice(0, 3), referenceKernels);
      expect(maxDiff(logits, fullLastLogits(m, seq.slice(0, 3)))).toBeLessThan(1e-5);
      for (let n = 4; n <= seq.length; n++) {
        logits = extend(m, cache, [seq[n - 1]], referenceKernels);
        expect(cache.length).toBe(n);
        expect(cache.keys[0].shape).toEqual([1, n, m.config.num_key_value_heads, m.config.hidden_size / m.config.num_attention_heads]);
        expect(maxDiff(logits, fullLastLogits(m, seq.slice(0, n)))).toBeLessThan(1e-5);
      }
      expect(() => extend(m, cache, [0], referenceKernels)).toThrow(/exceed max_position_embeddings 16/);
      disposeCache(cache);
    });
  }

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    generate(tied, letters(), 'abc', { maxTokens: 5, seed: 3 }, referenceKernels);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('generate', () => {
  it('at temperature 0 equals greedy argmax decoding from full forward passes', () => {
    for (const m of [tied, untied]) {
      const tok = letters();
      const r = generate(m, tok, 'bad', { temperature: 0, maxTokens: 10 }, referenceKernels);
      const seq = [tok.bos, ...tok.encode('bad')];
      const greedy: number[] = [];
      for (let i = 0; i < 10; i++) {
        const next = argmax(fullLastLogits(m, seq));
        greedy.push(next);
        seq.push(next);
      }
      expect(r.tokens).toEqual(greedy);
      expect(r.text).toBe(tok.decode(greedy));
      expect(r.stoppedBy).toBe('maxTokens');
    }
  });

  it("at temperature 0 takes, at every step, the letter scoreTexts gives the highest log-probability after the text so far", async () => {
    // scoreTexts scores BOS + prompt + continuation with whole-prefix forward passes (no cache);
    // log p(text + x) differs between letters x only by log p(x | text), so its argmax over the
    // 12 letters is greedy decoding's choice whenever that choice is a letter (asserted).
    const tok = letters();
    const alphabet = 'abcdefghijkl';
    for (const m of [tied, untied]) {
      const r = generate(m, tok, 'bad', { temperature: 0, maxTokens: 8 }, referenceKernels);
      expect(r.tokens.every((t) => t < 12)).toBe(true);
      let text = 'bad';
      for (const token of r.tokens) {
        const scores = await scoreTexts(m, tok, Array.from(alphabet, (x) => text + x), referenceKernels);
        expect(alphabet[argmax(scores)]).toBe(tok.decode([token]));
        text += alphabet[argmax(scores)];
      }
      expect(text).toBe('bad' + r.text);
    }
  });

  it('topK 1 equals greedy decoding at any temperature and seed', () => {
    const greedy = generate(tied, letters(), 'ab', { temperature: 0, maxTokens: 8 }, referenceKernels);
    for (const seed of [1, 2, 3]) expect(generate(tied, letters(), 'ab', { temperature: 1.5, topK: 1, seed, maxTokens: 8 }, referenceKernels).tokens).toEqual(greedy.tokens);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    // The usual small init (scale 1) gives nearly uniform next-token probabilities over 13 ids,
    // so two seeds agreeing on 12 sampled tokens has probability around 13^-12.
    const flat = tinyModel({}, 5, 1);
    const o = { temperature: 1, maxTokens: 12 };
    const a = generate(flat, letters(), 'abc', { ...o, seed: 7 }, referenceKernels);
    const b = generate(flat, letters(), 'abc', { ...o, seed: 7 }, referenceKernels);
    const c = generate(flat, letters(), 'abc', { ...o, seed: 8 }, referenceKernels);
    expect(b.text).toBe(a.text);
    expect(b.tokens).toEqual(a.tokens);
    expect(c.text).not.toBe(a.text);
    expect(new Set(a.tokens).size).toBeGreaterThan(1); // sampled, not greedy
    disposeModel(flat);
  });

  it('streams every token with the text so far', () => {
    const steps: { token: number; index: number; text: string }[] = [];
    const r = generate(tied, letters(), 'a', { maxTokens: 6, seed: 4 }, referenceKernels, (s) => steps.push(s));
    expect(steps.map((s) => s.token)).toEqual(r.tokens);
    expect(steps.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(steps.map((s) => s.text)).toEqual(r.tokens.map((_, i) => letters().decode(r.tokens.slice(0, i + 1))));
    expect(steps[steps.length - 1].text).toBe(r.text);
  });

  it('streams the same tokens as the synchronous path, awaiting each token, and stops when asked', async () => {
    const flat = tinyModel({}, 5, 1);
    const o = { temperature: 1, maxTokens: 10, seed: 9 };
    const sync = generate(flat, letters(), 'abc', o, referenceKernels);
    const seen: number[] = [];
    const streamed = await generateStreaming(flat, letters(), 'abc', o, referenceKernels, { onToken: async (s) => { seen.push(s.token); await new Promise((r) => setTimeout(r, 0)); } });
    expect(streamed).toEqual(sync);
    expect(seen).toEqual(sync.tokens);
    // Asked to stop after 3 tokens: the first 3 tokens and their text, stoppedBy 'stopped'.
    const before = tf.memory().numTensors;
    let n = 0;
    const stopped = await generateStreaming(flat, letters(), 'abc', o, referenceKernels, { onToken: () => void n++, shouldStop: () => n >= 3 });
    expect(stopped).toEqual({ text: letters().decode(sync.tokens.slice(0, 3)), tokens: sync.tokens.slice(0, 3), stoppedBy: 'stopped' });
    expect(tf.memory().numTensors).toBe(before);
    // A stop before the first token gives no text.
    expect(await generateStreaming(flat, letters(), 'abc', o, referenceKernels, { shouldStop: () => true })).toEqual({ text: '', tokens: [], stoppedBy: 'stopped' });
    disposeModel(flat);
  });

  it('cuts the text before a stop string and stops there', () => {
    const o = { temperature: 1, seed: 11, maxTokens: 12 };
    const full = generate(tied, letters(), 'ab', o, referenceKernels);
    expect(full.text.length).toBeGreaterThan(8);
    const stop = full.text.slice(4, 6);
    const at = full.text.indexOf(stop);
    // The token that completes the stop string is the last one generated (BOS decodes to nothing).
    const last = full.tokens.findIndex((_, i) => letters().decode(full.tokens.slice(0, i + 1)).includes(stop));
    const r = generate(tied, letters(), 'ab', { ...o, stop: ['zz', stop] }, referenceKernels);
    expect(r.stoppedBy).toBe('stop');
    expect(r.text).toBe(full.text.slice(0, at));
    expect(r.text.length).toBeGreaterThan(0);
    expect(r.tokens).toEqual(full.tokens.slice(0, last + 1));
    expect(r.tokens.length).toBeLessThan(full.tokens.length);
  });

  it('stops at EOS', () => {
    const first = generate(tied, letters(), 'ab', { temperature: 0, maxTokens: 1 }, referenceKernels).tokens[0];
    const r = generate(tied, letters(first), 'ab', { temperature: 0, maxTokens: 10 }, referenceKernels);
    expect(r).toEqual({ text: '', tokens: [first], stoppedBy: 'eos' });
  });

  it('stops at maxTokens and at the end of the context', () => {
    expect(generate(tied, letters(), 'abc', { maxTokens: 3 }, referenceKernels)).toMatchObject({ stoppedBy: 'maxTokens' });
    expect(generate(tied, letters(), 'abc', { maxTokens: 3 }, referenceKernels).tokens).toHaveLength(3);
    // BOS + 3 prompt tokens fill positions 0..3; new tokens read positions 3..15: 13 of them.
    const r = generate(tied, letters(), 'abc', { maxTokens: 100 }, referenceKernels);
    expect(r.stoppedBy).toBe('context');
    expect(r.tokens).toHaveLength(13);
    // A prompt that fills every position but one leaves room for exactly one token.
    const one = generate(tied, letters(), 'abcdefghijklabc', { maxTokens: 100 }, referenceKernels);
    expect(one).toMatchObject({ stoppedBy: 'context' });
    expect(one.tokens).toHaveLength(1);
    // maxTokens wins when both limits fall on the same token.
    expect(generate(tied, letters(), 'abcdefghijklabc', { maxTokens: 1 }, referenceKernels).stoppedBy).toBe('maxTokens');
    expect(() => generate(tied, letters(), 'abcdefghijklabcd', {}, referenceKernels)).toThrow(/the prompt is 16 tokens; at most 15 fit .*max_position_embeddings 16/);
  });

  it('refuses bad options with the field and the range', () => {
    const bad: [unknown, RegExp][] = [
      [{ temperature: -1 }, /temperature must be a number >= 0 and <= 100, got -1/],
      [{ topK: 14 }, /topK must be an integer from 0 to 13, got 14/],
      [{ topK: 1.5 }, /topK must be an integer from 0 to 13/],
      [{ topP: 0 }, /topP must be a number > 0 and <= 1, got 0/],
      [{ topP: 1.2 }, /topP must be a number > 0 and <= 1, got 1.2/],
      [{ maxTokens: 0 }, /maxTokens must be an integer from 1 to 100000, got 0/],
      [{ seed: -1 }, /seed must be an integer from 0 to 4294967295, got -1/],
      [{ temp: 1 }, /unknown generation option\(s\) temp; allowed: maxTokens, temperature, topK, topP, seed/],
      [{ stop: [''] }, /stop must be a list of non-empty strings/],
      [{ stop: 'x' }, /stop must be a list of non-empty strings, got "x"/],
      [[], /generation options must be an object/],
    ];
    for (const [o, msg] of bad) expect(() => generate(tied, letters(), 'a', o, referenceKernels)).toThrow(msg);
    expect(() => generate(tied, letters(), 42 as unknown as string, {}, referenceKernels)).toThrow(/prompt must be a string/);
  });
});

describe('sampleToken', () => {
  it('keeps only the top-k, then the nucleus of top-p', () => {
    const logits = [0, 3, 2, 1];
    const draws = (o: { temperature: number; topK: number; topP: number }) => {
      const seen = new Set<number>();
      let x = 0;
      for (let i = 0; i < 400; i++) seen.add(sampleToken(logits, o, () => ((x = (x + 0.6180339887) % 1))));
      return [...seen].sort();
    };
    expect(draws({ temperature: 1, topK: 2, topP: 1 })).toEqual([1, 2]);
    // p = softmax: 0.644, 0.237, 0.087, 0.032; 0.9 needs ids 1, 2 and 3.
    expect(draws({ temperature: 1, topK: 0, topP: 0.9 })).toEqual([1, 2, 3]);
    expect(draws({ temperature: 1, topK: 0, topP: 0.5 })).toEqual([1]);
    expect(draws({ temperature: 1, topK: 0, topP: 1 })).toEqual([0, 1, 2, 3]);
    expect(sampleToken(logits, { temperature: 0, topK: 0, topP: 1 }, () => 0.99)).toBe(1);
  });
});
