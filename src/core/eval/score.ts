// Scoring text with a model: total log-probabilities as lm-evaluation-harness's loglikelihood
// computes them for an empty context (each token conditioned on the prefix token BOS and the
// tokens before it; the prefix itself is not scored), and validation loss over fixed windows.
// Work is batched so thousands of texts cost a few GPU round trips, not thousands.
import * as tf from '@tensorflow/tfjs';
import type { LlamaModel } from '../model/llama';
import { targetLogProbs } from '../model/llama';
import type { Tokenizer } from '../tokenizer/tokenizer';
import type { Batch, TokenizedText } from '../data/tokens';
import { evaluationWindows } from '../data/tokens';

/** Sum of log p over the target positions where mask is 1, per row of a batch. */
export async function rowLogProbs(model: LlamaModel, b: Batch): Promise<{ sums: Float64Array; counts: Float64Array }> {
  const sums = new Float64Array(b.batchSize);
  const counts = new Float64Array(b.batchSize);
  const perRow = tf.tidy(() => {
    const inputs = tf.tensor2d(b.inputs, [b.batchSize, b.seqLen], 'int32');
    const targets = tf.tensor2d(b.targets, [b.batchSize, b.seqLen], 'int32');
    const mask = tf.tensor2d(b.mask, [b.batchSize, b.seqLen]);
    return tf.sum(tf.mul(targetLogProbs(model, inputs, targets), mask), 1);
  });
  const data = await perRow.data();
  perRow.dispose();
  for (let r = 0; r < b.batchSize; r++) {
    sums[r] = data[r];
    for (let t = 0; t < b.seqLen; t++) counts[r] += b.mask[r * b.seqLen + t];
  }
  return { sums, counts };
}

/** Rows per forward pass so that a batch's logits stay near `budget` floats. */
export function rowsPerBatch(model: LlamaModel, seqLen: number, budget = 8_000_000): number {
  return Math.max(1, Math.floor(budget / (seqLen * model.config.vocab_size)));
}

/** Padded positions over real ones above which a scoring batch is cut. */
const PADDING_LIMIT = 1.25;

/**
 * The tokens of `text` that are scored after the prefix token, as lm-eval's loglikelihood("", text)
 * takes them: the text encoded without special tokens (Tokenizer.encode never adds BOS); should
 * it begin with the prefix token itself (the text starts with the BOS string), that token is
 * the context instead of a second BOS, and is not scored.
 */
export function continuationTokens(tokenizer: Tokenizer, text: string): number[] {
  const ids = tokenizer.encode(text);
  return ids.length && ids[0] === tokenizer.bos ? ids.slice(1) : ids;
}

/**
 * Total natural-log probability of each text: sum over its tokens of log p(token | BOS, earlier
 * tokens), as continuationTokens takes them. Texts are sorted by length and padded per batch to
 * waste little work on padding.
 */
export async function scoreTexts(model: LlamaModel, tokenizer: Tokenizer, texts: string[]): Promise<number[]> {
  const encoded = texts.map((t) => continuationTokens(tokenizer, t));
  const order = encoded.map((_, i) => i).sort((a, b) => encoded[a].length - encoded[b].length);
  const scores = new Array<number>(texts.length).fill(0);
  let i = 0;
  while (i < order.length) {
    // Texts are in ascending length, so the last one taken sets the padded length T. A batch
    // also ends where taking the next text would make padding more than a quarter of its
    // positions: attention costs grow with T², and minimal-pair suites mix short and long
    // sentences.
    let rows = 1;
    let tokens = Math.max(1, encoded[order[i]].length);
    for (; i + rows < order.length; rows++) {
      const next = Math.max(1, encoded[order[i + rows]].length);
      if (rows >= rowsPerBatch(model, next) || (rows + 1) * next > PADDING_LIMIT * (tokens + next)) break;
      tokens += next;
    }
    const group = order.slice(i, i + rows);
    const T = Math.max(1, encoded[group[group.length - 1]].length);
    const b: Batch = { inputs: new Int32Array(rows * T).fill(tokenizer.pad), targets: new Int32Array(rows * T).fill(tokenizer.pad), mask: new Float32Array(rows * T), batchSize: rows, seqLen: T };
    group.forEach((k, r) => {
      const ids = encoded[k];
      b.inputs[r * T] = tokenizer.bos;
      for (let t = 0; t < ids.length; t++) {
        b.targets[r * T + t] = ids[t];
        if (t + 1 < T) b.inputs[r * T + t + 1] = ids[t];
        b.mask[r * T + t] = 1;
      }
    });
    const { sums } = await rowLogProbs(model, b);
    group.forEach((k, r) => (scores[k] = sums[r]));
    i += rows;
  }
  return scores;
}

export interface ValidationOptions {
  seqLen: number;
  /** Tokens of validation text to score; windows are spread evenly over the whole split. */
  maxTokens: number;
}

/** Mean per-token cross-entropy (nats) over the fixed evaluation windows of a validation text. */
export async function validationLoss(model: LlamaModel, bos: number, text: TokenizedText, o: ValidationOptions): Promise<number> {
  if (text.ids.length === 0) throw new Error('validation text is empty');
  const all = evaluationWindows(text, o.seqLen, o.maxTokens, bos);
  const rows = rowsPerBatch(model, o.seqLen);
  let sum = 0;
  let count = 0;
  for (let r0 = 0; r0 < all.batchSize; r0 += rows) {
    const n = Math.min(rows, all.batchSize - r0);
    const slice = (a: Int32Array | Float32Array) => a.subarray(r0 * o.seqLen, (r0 + n) * o.seqLen);
    const b: Batch = { inputs: slice(all.inputs) as Int32Array, targets: slice(all.targets) as Int32Array, mask: slice(all.mask) as Float32Array, batchSize: n, seqLen: o.seqLen };
    const { sums, counts } = await rowLogProbs(model, b);
    for (let r = 0; r < n; r++) {
      sum -= sums[r];
      count += counts[r];
    }
  }
  return sum / count;
}
