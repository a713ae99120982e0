// Parity of a forward/backward kernel against its reference: the same inputs and upstream
// gradient through our kernel on the active backend and through the stock tfjs ops on tfjs's
// CPU backend (the CPU reference) or a case's own reference, comparing the value and the
// gradient of every float input.
// The stock ops on the active backend are measured the same way, to show the float noise any
// GPU path has at these shapes.
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../../core/rng';

export interface KernelParity {
  kernel: string;
  backend: string;
  /** Largest |ours - reference| over the outputs and every gradient (all cases). */
  maxAbsDiff: number;
  /** The same for the stock tfjs ops on the active backend, for scale. */
  stockMaxAbsDiff: number;
  /** Outputs and gradients apart (absent for kernels without a backward pass). */
  valueMaxAbsDiff?: number;
  gradMaxAbsDiff?: number;
  tolerance: number;
  ok: boolean;
}

export interface OpInput {
  shape: number[];
  /** Float inputs get gradients; int32 ones (token ids) are constants. */
  dtype?: 'float32' | 'int32';
  /** Values; drawn uniformly from [-1, 1) when absent. */
  data?: Float32Array | Int32Array;
  /** Upper bound (exclusive) for drawn int32 values. */
  maxInt?: number;
}

export interface OpCase {
  inputs: OpInput[];
  /** The op under test: `ours` picks our kernel, otherwise the stock ops. */
  run: (ours: boolean, inputs: tf.Tensor[]) => tf.Tensor;
  /**
   * A reference computed in plain code from the inputs and the upstream gradient, where the stock
   * ops on the CPU are not the reference (a kernel that rounds on purpose, as f16 storage does).
   */
  reference?: (inputs: (Float32Array | Int32Array)[], dy: Float32Array) => Outcome;
}

export interface Outcome {
  value: ArrayLike<number>;
  /** One per float input, in order. */
  grads: ArrayLike<number>[];
}

async function evaluate(c: OpCase, data: (Float32Array | Int32Array)[], dy: Float32Array, ours: boolean): Promise<Outcome> {
  const tensors = c.inputs.map((inp, i) => tf.tensor(data[i], inp.shape, inp.dtype ?? 'float32'));
  const floats = tensors.filter((_, i) => (c.inputs[i].dtype ?? 'float32') === 'float32');
  const withFloats = (xs: tf.Tensor[]) => {
    let f = 0;
    return tensors.map((t, i) => ((c.inputs[i].dtype ?? 'float32') === 'float32' ? xs[f++] : t));
  };
  const value = tf.tidy(() => c.run(ours, tensors));
  const upstream = tf.tensor(dy, value.shape);
  const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(c.run(ours, withFloats(xs)), upstream)))(floats);
  const out = { value: (await value.data()) as Float32Array, grads: await Promise.all(grads.map(async (g) => (await g.data()) as Float32Array)) };
  tf.dispose([value, upstream, ...grads, ...tensors]);
  return out;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export async function checkOpParity(kernel: string, cases: OpCase[], tolerance: number, seed = 0): Promise<KernelParity> {
  const active = tf.getBackend();
  let valueMax = 0;
  let gradMax = 0;
  let stockMax = 0;
  for (const [n, c] of cases.entries()) {
    const rand = mulberry32(seed * 7919 + n);
    const data = c.inputs.map((inp) => {
      if (inp.data) return inp.data;
      const size = inp.shape.reduce((a, b) => a * b, 1);
      return inp.dtype === 'int32' ? Int32Array.from({ length: size }, () => Math.floor(rand() * (inp.maxInt ?? 2))) : Float32Array.from({ length: size }, () => rand() * 2 - 1);
    });
    const probe = tf.tidy(() => c.run(false, c.inputs.map((inp, i) => tf.tensor(data[i], inp.shape, inp.dtype ?? 'float32'))));
    const dy = Float32Array.from({ length: probe.size }, () => rand() * 2 - 1);
    probe.dispose();
    const ours = await evaluate(c, data, dy, true);
    const stock = await evaluate(c, data, dy, false);
    let reference: Outcome;
    if (c.reference) reference = c.reference(data, dy);
    else {
      await tf.setBackend('cpu');
      try {
        reference = await evaluate(c, data, dy, false);
      } finally {
        await tf.setBackend(active);
      }
    }
    valueMax = Math.max(valueMax, maxDiff(ours.value, reference.value));
    stockMax = Math.max(stockMax, maxDiff(stock.value, reference.value));
    ours.grads.forEach((g, i) => {
      gradMax = Math.max(gradMax, maxDiff(g, reference.grads[i]));
      stockMax = Math.max(stockMax, maxDiff(stock.grads[i], reference.grads[i]));
    });
  }
  const maxAbsDiff = Math.max(valueMax, gradMax);
  return { kernel, backend: active, maxAbsDiff, stockMaxAbsDiff: stockMax, valueMaxAbsDiff: valueMax, gradMaxAbsDiff: gradMax, tolerance, ok: maxAbsDiff <= tolerance };
}
