// The gradient-norm kernel against the stock ops on the CPU: a model's worth of gradients
// (more than one program's seven, sizes that do not fill a thread's stride, a single float).
// Tolerance: float32 sums of ~10^5 squares of values below one, relative to a norm of ~100.
import * as tf from '@tensorflow/tfjs';
import { stockGlobalNorm } from '../../../core/train/clip';
import { mulberry32 } from '../../../core/rng';
import type { KernelParity } from '../parity';
import { globalNormKernel } from './sumSquares';

export const GRAD_NORM_TOLERANCE = 1e-4;

const SHAPES = [[259, 32], [32], [96, 32], [32, 96], [1], [64, 64], [17, 3], [300, 300], [5], [128], [33, 65]];

export async function checkGradNormParity(seed = 0): Promise<KernelParity> {
  const rand = mulberry32(seed);
  const data = SHAPES.map((s) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rand() * 2 - 1));
  const normOf = async (f: (ts: tf.Tensor[]) => tf.Scalar) => {
    const ts = SHAPES.map((s, i) => tf.tensor(data[i], s));
    const n = f(ts);
    const v = (await n.data())[0];
    tf.dispose([n, ...ts]);
    return v;
  };
  const ours = await normOf(globalNormKernel);
  const stock = await normOf(stockGlobalNorm);
  const active = tf.getBackend();
  await tf.setBackend('cpu');
  let reference: number;
  try {
    reference = await normOf(stockGlobalNorm);
  } finally {
    await tf.setBackend(active);
  }
  // Relative: the norm of 10^5 values is ~180, and float32 keeps ~7 digits of it.
  const maxAbsDiff = Math.abs(ours - reference) / reference;
  return { kernel: 'grad-norm', backend: active, maxAbsDiff, stockMaxAbsDiff: Math.abs(stock - reference) / reference, tolerance: GRAD_NORM_TOLERANCE, ok: maxAbsDiff <= GRAD_NORM_TOLERANCE };
}
