// Timing the tuned kernels' candidates on the active WebGPU device at the model's own shapes, and
// checking each candidate's parity against the CPU reference first (a candidate that fails it on
// this device is never chosen). Each timing is one call of the candidate (a matmul product; a row
// kernel's or attention's forward and backward pass) under tfjs's profiler: the summed GPU timestamps of its
// programs where the device has timestamp-query, else the wall time to the read-back of its
// result. A warm-up call compiles the pipelines; the median of the repetitions is the time.
// The choice among the times is ./table.ts (pure).
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../../core/rng';
import { deviceFeatures } from '../features';
import type { KernelParity } from '../kernels/parity';
import { checkMatmulCandidateParity } from '../kernels/matmul/parity';
import { productBy } from '../kernels/matmul/matmul';
import { checkRmsNormParity } from '../kernels/rmsNorm/parity';
import { rmsNormKernel } from '../kernels/rmsNorm/rmsNorm';
import { checkTargetLogProbsParity } from '../kernels/crossEntropy/parity';
import { targetLogProbsKernel } from '../kernels/crossEntropy/targetLogProbs';
import type { RowLayout } from '../kernels/program';
import { attentionBy } from '../kernels/attention/candidates';
import { checkAttentionCandidateParity } from '../kernels/attention/parity';
import { median, TUNED_KERNELS, type AttentionCandidate, type CandidateTiming, type MatmulCandidate, type TuneShape, type TunedKernel } from './table';

/** Why a candidate cannot run on this device, or undefined where it can. */
export function unavailable(kernel: TunedKernel, candidate: string): string | undefined {
  if (candidate === 'subgroup' && !deviceFeatures().subgroups) return 'this device has no subgroups feature';
  return undefined;
}

/** A candidate's parity against the CPU reference on the active backend (named kernel:candidate). */
export function candidateParity(kernel: TunedKernel, candidate: string): Promise<KernelParity> {
  const name = `${kernel}:${candidate}`;
  if (kernel === 'matmul') return checkMatmulCandidateParity(candidate as MatmulCandidate);
  if (kernel === 'attention') return checkAttentionCandidateParity(candidate as AttentionCandidate);
  if (kernel === 'rmsnorm') return checkRmsNormParity([candidate as RowLayout], name);
  return checkTargetLogProbsParity([candidate as RowLayout], name);
}

const random = (n: number, seed: number) => {
  const rand = mulberry32(seed);
  return Float32Array.from({ length: n }, () => rand() * 2 - 1);
};

/**
 * One call of `candidate` at `shape` on resident inputs, as a function returning the tensors to
 * read (disposed by the caller), and the inputs to dispose at the end.
 */
function runner(shape: TuneShape, candidate: string): { run: () => tf.Tensor[]; inputs: tf.Tensor[] } {
  if (shape.kernel === 'matmul') {
    const { m, k, n, transA, transB } = shape;
    const a = tf.tensor2d(random(m * k, 1), transA ? [k, m] : [m, k]);
    const b = tf.tensor2d(random(k * n, 2), transB ? [n, k] : [k, n]);
    return { run: () => [productBy(candidate as MatmulCandidate, a, b, transA, transB)], inputs: [a, b] };
  }
  if (shape.kernel === 'attention') {
    const { batch, seqLen, queryHeads, kvHeads, headDim } = shape;
    const q = tf.tensor4d(random(batch * seqLen * queryHeads * headDim, 9), [batch, seqLen, queryHeads, headDim]);
    const k = tf.tensor4d(random(batch * seqLen * kvHeads * headDim, 10), [batch, seqLen, kvHeads, headDim]);
    const v = tf.tensor4d(random(batch * seqLen * kvHeads * headDim, 11), [batch, seqLen, kvHeads, headDim]);
    const dy = tf.tensor4d(random(batch * seqLen * queryHeads * headDim, 12), [batch, seqLen, queryHeads, headDim]);
    const attention = attentionBy(candidate as AttentionCandidate);
    const grads = tf.grads((qi: tf.Tensor, ki: tf.Tensor, vi: tf.Tensor) => tf.sum(tf.mul(attention(qi as tf.Tensor4D, ki as tf.Tensor4D, vi as tf.Tensor4D), dy)));
    return { run: () => grads([q, k, v]), inputs: [q, k, v, dy] };
  }
  const { rows, cols } = shape;
  const layout = candidate as RowLayout;
  if (shape.kernel === 'rmsnorm') {
    const x = tf.tensor2d(random(rows * cols, 3), [rows, cols]);
    const w = tf.tensor1d(random(cols, 4));
    const dy = tf.tensor2d(random(rows * cols, 5), [rows, cols]);
    const grads = tf.grads((xi: tf.Tensor, wi: tf.Tensor) => tf.sum(tf.mul(rmsNormKernel(xi, wi, 1e-5, layout), dy)));
    return { run: () => grads([x, w]), inputs: [x, w, dy] };
  }
  const logits = tf.tensor3d(random(rows * cols, 6), [1, rows, cols]);
  const rand = mulberry32(7);
  const targets = tf.tensor2d(Int32Array.from({ length: rows }, () => Math.floor(rand() * cols)), [1, rows], 'int32');
  const dy = tf.tensor2d(random(rows, 8), [1, rows]);
  const grad = tf.grad((l: tf.Tensor) => tf.sum(tf.mul(targetLogProbsKernel(l as tf.Tensor3D, targets, layout), dy)));
  return { run: () => [grad(logits)], inputs: [logits, targets, dy] };
}

/** One timed call: GPU ms of its programs where every one was timed, else wall ms to the read-back. */
async function timeOnce(run: () => tf.Tensor[]): Promise<{ ms: number; timer: 'gpu' | 'wall' }> {
  const t0 = performance.now();
  const info = await tf.profile(async () => {
    const outs = run();
    await Promise.all(outs.map((o) => o.data()));
    tf.dispose(outs);
  });
  const wall = performance.now() - t0;
  let gpu = 0;
  for (const k of info.kernels) {
    const t = await k.kernelTimeMs;
    if (typeof t !== 'number' || !Number.isFinite(t)) return { ms: wall, timer: 'wall' };
    gpu += t;
  }
  return info.kernels.length ? { ms: gpu, timer: 'gpu' } : { ms: wall, timer: 'wall' };
}

/**
 * A candidate whose first timed call takes this many times the best median so far is not timed
 * again: it cannot win (on SwiftShader tfjs's matMul takes 5-20x our blocked kernel, and one call
 * of it at the 1M model's shapes up to 1.5 s).
 */
export const CUT_FACTOR = 4;

/**
 * Every candidate of the shape's kernel timed `reps` times (after one warm-up call), but one
 * already CUT_FACTOR times slower than the best after its first call only once; `parity` says
 * which passed.
 */
export async function timeCandidates(shape: TuneShape, parity: (candidate: string) => Promise<boolean>, reps = 5): Promise<CandidateTiming[]> {
  const out: CandidateTiming[] = [];
  let best = Infinity;
  for (const candidate of TUNED_KERNELS[shape.kernel]) {
    const missing = unavailable(shape.kernel, candidate);
    if (missing) {
      out.push({ candidate, samples: [], timer: 'wall', parityOk: false, error: missing });
      continue;
    }
    const parityOk = await parity(candidate);
    const { run, inputs } = runner(shape, candidate);
    try {
      await timeOnce(run); // compiles the pipelines
      const samples: number[] = [];
      let timer: 'gpu' | 'wall' = 'gpu';
      for (let i = 0; i < reps; i++) {
        const t = await timeOnce(run);
        samples.push(t.ms);
        if (t.timer === 'wall') timer = 'wall';
        if (i === 0 && t.ms > CUT_FACTOR * best) break;
      }
      const ms = median(samples);
      if (parityOk && samples.length === reps) best = Math.min(best, ms);
      out.push({ candidate, ms, samples, timer, parityOk, ...(samples.length < reps ? { cut: true } : {}) });
    } catch (e) {
      out.push({ candidate, samples: [], timer: 'wall', parityOk, error: (e as Error).message });
    } finally {
      tf.dispose(inputs);
    }
  }
  return out;
}
