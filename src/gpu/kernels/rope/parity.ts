// RoPE kernel against the stock ops on the CPU, with the model's own tables: the tiny model's
// head size and a larger one with several heads. Tolerance: one multiply-add of float32.
import type * as tf from '@tensorflow/tfjs';
import { checkOpParity, type KernelParity } from '../parity';
import { stockRope } from '../../../core/model/kernels';
import { ropeTables } from '../../../core/model/llama';
import { ropeKernel } from './rope';

export const ROPE_TOLERANCE = 1e-5;

export async function checkRopeParity(): Promise<KernelParity> {
  // The tables outlive each call: the backward pass reads them after the forward returns.
  const tables: tf.Tensor[] = [];
  const op = (t: number, hd: number) => (ours: boolean, [x]: tf.Tensor[]) => {
    const { cos, sin } = ropeTables(t, hd, 10000);
    tables.push(cos, sin);
    return ours ? ropeKernel(x as tf.Tensor4D, cos, sin) : stockRope(x as tf.Tensor4D, cos, sin);
  };
  try {
    return await checkOpParity('rope', [
      { inputs: [{ shape: [2, 5, 4, 8] }], run: op(5, 8) },
      { inputs: [{ shape: [1, 33, 3, 32] }], run: op(33, 32) },
    ], ROPE_TOLERANCE);
  } finally {
    for (const t of tables) if (!t.isDisposed) t.dispose();
  }
}
