import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { continuationTokens, rowsPerBatch, scoreRows, scoreTexts, validationBatchRows, validationLoss } from './score';
import { hfTokenizerFromFiles, importTokenizer } from '../tokenizer/hf';
import { bpeTokenizerFiles } from '../testing/bpeFixture';
import { forward } from '../model/llama';
import { tinyModel } from '../testing/fixtures';
import { ByteTokenizer } from '../tokenizer/byte';
import { evaluationWindows, tokenizeBytes } from '../data/tokens';
import { referenceKernels } from '../kernels';

const tok = new ByteTokenizer();

describe('scoreTexts', () => {
  const model = tinyModel({ vocab_size: 259 }, 11, 4);

  it('sums log p of each token given BOS and the tokens before it', async () => {
    const text = 'Hej då';
    const ids = [tok.bos, ...tok.encode(text)];
    const logp = tf.tidy(() => tf.logSoftmax(forward(model, tf.tensor2d([ids.slice(0, -1)], [1, ids.length - 1], 'int32'), referenceKernels), -1).arraySync()) as number[][][];
    let hand = 0;
    for (let t = 1; t < ids.length; t++) hand += logp[0][t - 1][ids[t]];
    const [score] = await scoreTexts(model, tok, [text], referenceKernels);
    expect(score).toBeCloseTo(hand, 4);
  });

  it('gives each text the same score alone as in a padded batch', async () => {
    const texts = ['a', 'The keys to the cabinet are here.', 'Þetta er íslenska.', 'x y', ''];
    const together = await scoreTexts(model, tok, texts, referenceKernels);
    for (let i = 0; i < texts.length; i++) {
      const [alone] = await scoreTexts(model, tok, [texts[i]], referenceKernels);
      expect(together[i]).toBeCloseTo(alone, 4);
    }
    expect(together[4]).toBe(0);
  });

  it('never runs the model past its positions: a longer text is scored in windows sliding by half', async () => {
    // max_position_embeddings 16. A text of 16 bytes fits (inputs BOS + 15 bytes); 17 does not.
    expect(scoreRows(0, Array(16).fill(97), tok.bos, 16)).toHaveLength(1);
    expect(scoreRows(0, Array(17).fill(97), tok.bos, 16).map((r) => [r.inputs.length, r.scoredFrom])).toEqual([[16, 0], [16, 15]]);
    const text = 'The keys to the old cabinet are here.'; // 37 bytes
    const seq = [tok.bos, ...tok.encode(text)];
    const logp = (from: number, to: number) => tf.tidy(() => tf.logSoftmax(forward(model, tf.tensor2d([seq.slice(from, to)], [1, to - from], 'int32'), referenceKernels), -1).arraySync()) as number[][][];
    // Windows by hand: targets 1..16 from seq[0..15]; 17..24 from seq[8..23]; 25..32 from
    // seq[16..31]; 33..37 from seq[21..36] (each window 16 positions, each token seeing ≥ 8 before it).
    let hand = 0;
    for (const [from, first, last] of [[0, 1, 16], [8, 17, 24], [16, 25, 32], [21, 33, 37]]) {
      const lp = logp(from, from + 16);
      for (let t = first; t <= last; t++) hand += lp[0][t - 1 - from][seq[t]];
    }
    const [score] = await scoreTexts(model, tok, [text], referenceKernels);
    expect(score).toBeCloseTo(hand, 4);
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
    const a = await validationLoss(model, tok.bos, text, { seqLen: 16, maxTokens: 128 }, referenceKernels);
    const b = await validationLoss(model, tok.bos, text, { seqLen: 16, maxTokens: 128 }, referenceKernels);
    expect(a).toBe(b);
    expect(Math.abs(a - Math.log(259))).toBeLessThan(0.2);
  });

  it("names the rows of its largest forward pass: the windows it scores, up to a batch's budget", () => {
    const model = tinyModel({ vocab_size: 259 }, 12, 1);
    const text = tokenizeBytes(new TextEncoder().encode('Some validation text.\nAnother line of it.\n'.repeat(10)));
    const windows = (seqLen: number, maxTokens: number) => evaluationWindows(text, seqLen, maxTokens, tok.bos).batchSize;
    // 100 tokens at 64 a window is one whole window, not two; 48 at 16 is three.
    expect(validationBatchRows(model, text, { seqLen: 64, maxTokens: 100 })).toBe(1);
    expect(validationBatchRows(model, text, { seqLen: 16, maxTokens: 48 })).toBe(3);
    // More than the text holds: as many windows as it has (420 bytes at 16 a window: 27).
    expect(text.ids.length).toBe(420);
    expect(validationBatchRows(model, text, { seqLen: 16, maxTokens: 100_000 })).toBe(27);
    expect(windows(16, 100_000)).toBe(27);
    // A batch's logit budget caps the rows: 8M floats over 1024 x 259 logits a row is 30, of the
    // 42 windows a 42,000-byte text has at 1024.
    const long = tokenizeBytes(new TextEncoder().encode('Some validation text.\nAnother line of it.\n'.repeat(1000)));
    expect(evaluationWindows(long, 1024, 1024 * 64, tok.bos).batchSize).toBe(42);
    expect(rowsPerBatch(model, 1024)).toBe(30);
    expect(validationBatchRows(model, long, { seqLen: 1024, maxTokens: 1024 * 64 })).toBe(30);
  });
});
