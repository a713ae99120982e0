import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { continuationTokens, scoreTexts, validationLoss } from './score';
import { hfTokenizerFromFiles, importTokenizer } from '../tokenizer/hf';
import { bpeTokenizerFiles } from '../testing/bpeFixture';
import { forward } from '../model/llama';
import { tinyModel } from '../testing/fixtures';
import { ByteTokenizer } from '../tokenizer/byte';
import { tokenizeBytes } from '../data/tokens';

const tok = new ByteTokenizer();

describe('scoreTexts', () => {
  const model = tinyModel({ vocab_size: 259 }, 11, 4);

  it('sums log p of each token given BOS and the tokens before it', async () => {
    const text = 'Hej då';
    const ids = [tok.bos, ...tok.encode(text)];
    const logp = tf.tidy(() => tf.logSoftmax(forward(model, tf.tensor2d([ids.slice(0, -1)], [1, ids.length - 1], 'int32')), -1).arraySync()) as number[][][];
    let hand = 0;
    for (let t = 1; t < ids.length; t++) hand += logp[0][t - 1][ids[t]];
    const [score] = await scoreTexts(model, tok, [text]);
    expect(score).toBeCloseTo(hand, 4);
  });

  it('gives each text the same score alone as in a padded batch', async () => {
    const texts = ['a', 'The keys to the cabinet are here.', 'Þetta er íslenska.', 'x y', ''];
    const together = await scoreTexts(model, tok, texts);
    for (let i = 0; i < texts.length; i++) {
      const [alone] = await scoreTexts(model, tok, [texts[i]]);
      expect(together[i]).toBeCloseTo(alone, 4);
    }
    expect(together[4]).toBe(0);
  });
});

describe('continuationTokens', () => {
  it('never includes a BOS the tokenizer did not read from the text, and takes a leading one as the context', async () => {
    expect(continuationTokens(tok, ' ab')).toEqual([32, 97, 98]); // the byte tokenizer has no BOS byte
    const files = bpeTokenizerFiles('the cat sat on the mat .\n'.repeat(5), 20);
    const r = await importTokenizer({ tokenizer: files.tokenizer, config: files.config }, {}, files.vocabSize);
    if (r.spec.kind !== 'hf') throw new Error('expected hf');
    const bpe = hfTokenizerFromFiles(r.files!, r.spec);
    expect(bpe.encode(' the cat')).not.toContain(bpe.bos);
    expect(continuationTokens(bpe, ' the cat')).toEqual(bpe.encode(' the cat'));
    // lm-eval: when the continuation's first token is the prefix token, it becomes the context.
    expect(bpe.encode('<|endoftext|> the cat')[0]).toBe(bpe.bos);
    expect(continuationTokens(bpe, '<|endoftext|> the cat')).toEqual(bpe.encode(' the cat'));
  });
});

describe('validationLoss', () => {
  it('is deterministic and near ln(vocab) for an untrained model', async () => {
    const model = tinyModel({ vocab_size: 259 }, 12, 1);
    const text = tokenizeBytes(new TextEncoder().encode('Some validation text.\nAnother line of it.\n'.repeat(10)));
    const a = await validationLoss(model, tok.bos, text, { seqLen: 16, maxTokens: 128 });
    const b = await validationLoss(model, tok.bos, text, { seqLen: 16, maxTokens: 128 });
    expect(a).toBe(b);
    expect(Math.abs(a - Math.log(259))).toBeLessThan(0.2);
  });
});
