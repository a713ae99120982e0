// Scoring text with a model: total log-probabilities as lm-evaluation-harness's loglikelihood
// computes them for an empty context (each token conditioned on the prefix token BOS and the
// tokens before it; the prefix itself is not scored), and validation loss over fixed windows.
// Work is batched so thousands of texts cost a few GPU round trips, not thousands. Every function
// computes with the Kernels value it is given.
import * as tf from '@tensorflow/tfjs';
import type { LlamaModel } from '../model/llama';
import type { Kernels } from '../kernels';
import { targetLogProbs } from '../model/llama';
import type { Tokenizer } from '../tokenizer/tokenizer';
import type { Batch, TokenizedText } from '../data/tokens';
import { evaluationWindowCount, evaluationWindows } from '../data/tokens';

/** Sum of log p over the target positions where mask is 1, per row of a batch. */
export async function rowLogProbs(model: LlamaModel, b: Batch, kernels: Kernels): Promise<{ sums: Float64Array; counts: Float64Array }> {
  const sums = new Float64Array(b.batchSize);
  const counts = new Float64Array(b.batchSize);
  const perRow = tf.tidy(() => {
    const inputs = tf.tensor2d(b.inputs, [b.batchSize, b.seqLen], 'int32');
    const targets = tf.tensor2d(b.targets, [b.batchSize, b.seqLen], 'int32');
    const mask = tf.tensor2d(b.mask, [b.batchSize, b.seqLen]);
    return tf.sum(tf.mul(targetLogProbs(model, inputs, targets, kernels), mask), 1);
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

/** One forward row of scoreTexts: a window of a text's tokens and the targets it scores. */
interface ScoreRow {
  text: number;
  inputs: number[];
  targets: number[];
  /** Targets before this index were scored by an earlier window of the same text. */
  scoredFrom: number;
}

/**
 * The rows that score one text: the whole of it after the prefix token when it fits the model's
 * positions, else windows of `positions` tokens sliding by half of them (the first window scores
 * its every token; each later one the tokens past the previous window, each seeing at least
 * positions/2 tokens before it). A model is never run at positions it does not have; lm-eval
 * would truncate such a text instead, so evaluation results say when windows were used.
 */
export function scoreRows(text: number, ids: number[], prefix: number, positions: number): ScoreRow[] {
  const seq = [prefix, ...ids]; // predicts seq[1..L] from what precedes each: L positions
  const L = ids.length;
  if (L <= positions) return [{ text, inputs: seq.slice(0, Math.max(1, L)), targets: ids, scoredFrom: 0 }];
  const rows: ScoreRow[] = [];
  const stride = Math.max(1, Math.floor(positions / 2));
  let done = 0; // targets seq[1..done] scored
  for (let end = positions; done < L; end = Math.min(L, end + stride)) {
    const from = end - positions; // window inputs seq[from..end-1], targets seq[from+1..end]
    rows.push({ text, inputs: seq.slice(from, end), targets: seq.slice(from + 1, end + 1), scoredFrom: done - from });
    done = end;
  }
  return rows;
}

/** Whether scoreTexts slides windows over a text of `tokens` tokens (after the prefix token) for a model of `positions` positions. */
export const needsWindows = (tokens: number, positions: number): boolean => tokens > positions;

/**
 * Total natural-log probability of each text: sum over its tokens of log p(token | BOS, earlier
 * tokens), as continuationTokens takes them; a text longer than the model's positions
 * (max_position_embeddings) is scored in sliding windows (scoreRows). Rows are sorted by length
 * and padded per batch to waste little work on padding.
 */
export async function scoreTexts(model: LlamaModel, tokenizer: Tokenizer, texts: string[], kernels: Kernels): Promise<number[]> {
  const positions = model.config.max_position_embeddings;
  const all = texts.flatMap((t, k) => scoreRows(k, continuationTokens(tokenizer, t), tokenizer.bos, positions));
  const order = all.map((_, i) => i).sort((a, b) => all[a].targets.length - all[b].targets.length);
  const scores = new Array<number>(texts.length).fill(0);
  let i = 0;
  while (i < order.length) {
    // Rows are in ascending length, so the last one taken sets the padded length T. A batch
    // also ends where taking the next row would make padding more than a quarter of its
    // positions: attention costs grow with T², and minimal-pair suites mix short and long
    // sentences.
    let rows = 1;
    let tokens = Math.max(1, all[order[i]].targets.length);
    for (; i + rows < order.length; rows++) {
      const next = Math.max(1, all[order[i + rows]].targets.length);
      if (rows >= rowsPerBatch(model, next) || (rows + 1) * next > PADDING_LIMIT * (tokens + next)) break;
      tokens += next;
    }
    const group = order.slice(i, i + rows);
    const T = Math.max(1, all[group[group.length - 1]].targets.length);
    const b: Batch = { inputs: new Int32Array(rows * T).fill(tokenizer.pad), targets: new Int32Array(rows * T).fill(tokenizer.pad), mask: new Float32Array(rows * T), batchSize: rows, seqLen: T };
    group.forEach((k, r) => {
      const row = all[k];
      row.inputs.forEach((id, t) => (b.inputs[r * T + t] = id));
      row.targets.forEach((id, t) => {
        b.targets[r * T + t] = id;
        if (t >= row.scoredFrom) b.mask[r * T + t] = 1;
      });
    });
    const { sums } = await rowLogProbs(model, b, kernels);
    group.forEach((k, r) => (scores[all[k].text] += sums[r]));
    i += rows;
  }
  return scores;
}

export interface ValidationOptions {
  seqLen: number;
  /** Tokens of validation text to score; windows are spread evenly over the whole split. */
  maxTokens: number;
}

/** Rows of validationLoss's first (largest) forward pass over `text`: the shape a tuner times. */
export function validationBatchRows(model: LlamaModel, text: TokenizedText, o: ValidationOptions): number {
  return Math.min(rowsPerBatch(model, o.seqLen), evaluationWindowCount(text, o.seqLen, o.maxTokens));
}

/** Mean per-token cross-entropy (nats) over the fixed evaluation windows of a validation text. */
export async function validationLoss(model: LlamaModel, bos: number, text: TokenizedText, o: ValidationOptions, kernels: Kernels): Promise<number> {
  if (text.ids.length === 0) throw new Error('validation text is empty');
  const all = evaluationWindows(text, o.seqLen, o.maxTokens, bos);
  const rows = rowsPerBatch(model, o.seqLen);
  let sum = 0;
  let count = 0;
  for (let r0 = 0; r0 < all.batchSize; r0 += rows) {
    const n = Math.min(rows, all.batchSize - r0);
    const slice = (a: Int32Array | Float32Array) => a.subarray(r0 * o.seqLen, (r0 + n) * o.seqLen);
    const b: Batch = { inputs: slice(all.inputs) as Int32Array, targets: slice(all.targets) as Int32Array, mask: slice(all.mask) as Float32Array, batchSize: n, seqLen: o.seqLen };
    const { sums, counts } = await rowLogProbs(model, b, kernels);
    for (let r = 0; r < n; r++) {
      sum -= sums[r];
      count += counts[r];
    }
  }
  return sum / count;
}
