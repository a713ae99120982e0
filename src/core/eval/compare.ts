// Two models on the same text, position by position: the largest difference of per-token
// log-probabilities and both validation losses. This is the proof a function-preserving growth
// gives before its result is saved.
import * as tf from '@tensorflow/tfjs';
import type { LlamaModel } from '../model/llama';
import type { Kernels } from '../kernels';
import { targetLogProbs } from '../model/llama';
import type { Batch, TokenizedText } from '../data/tokens';
import { evaluationWindows } from '../data/tokens';
import { rowsPerBatch } from './score';

export interface ModelComparison {
  /** max over scored positions of |log p_a(token) - log p_b(token)|, in nats. */
  maxAbsLogProbDiff: number;
  lossA: number;
  lossB: number;
  tokens: number;
}

export async function compareModels(a: LlamaModel, b: LlamaModel, bos: number, text: TokenizedText, o: { seqLen: number; maxTokens: number }, kernels: Kernels): Promise<ModelComparison> {
  const all = evaluationWindows(text, o.seqLen, o.maxTokens, bos);
  const rows = Math.min(rowsPerBatch(a, o.seqLen), rowsPerBatch(b, o.seqLen));
  let maxDiff = 0;
  let sumA = 0;
  let sumB = 0;
  let count = 0;
  for (let r0 = 0; r0 < all.batchSize; r0 += rows) {
    const n = Math.min(rows, all.batchSize - r0);
    const range = [r0 * o.seqLen, (r0 + n) * o.seqLen] as const;
    const batch: Batch = { inputs: all.inputs.subarray(...range), targets: all.targets.subarray(...range), mask: all.mask.subarray(...range), batchSize: n, seqLen: o.seqLen };
    const [la, lb] = tf.tidy(() => {
      const inputs = tf.tensor2d(batch.inputs, [n, o.seqLen], 'int32');
      const targets = tf.tensor2d(batch.targets, [n, o.seqLen], 'int32');
      return [targetLogProbs(a, inputs, targets, kernels), targetLogProbs(b, inputs, targets, kernels)];
    });
    const [da, db] = await Promise.all([la.data(), lb.data()]);
    tf.dispose([la, lb]);
    for (let i = 0; i < da.length; i++) {
      if (!batch.mask[i]) continue;
      maxDiff = Math.max(maxDiff, Math.abs(da[i] - db[i]));
      sumA -= da[i];
      sumB -= db[i];
      count++;
    }
  }
  return { maxAbsLogProbDiff: maxDiff, lossA: sumA / count, lossB: sumB / count, tokens: count };
}
