// The global gradient norm for clipping, sqrt(sum over every gradient of sum(g^2)), in a few
// programs instead of two per gradient (tfjs's Square and Sum: about a fifth of the GPU programs
// of a training step of the 1M model). One program reads up to seven gradients (a shader stage
// may bind eight storage buffers, one is the output); each thread strides over all of them and
// writes its own partial sum (no barriers: SwiftShader runs them slowly), and one tfjs sum over
// the partials of every program finishes it. Reference: core/train/clip.ts stockGlobalNorm;
// parity: ./parity.ts.
import * as tf from '@tensorflow/tfjs';
import { MAIN, registerStudioKernel, runKernel, runProgram } from '../program';

const SUM_SQUARES = 'StudioSumSquares';
const WORKGROUP = 256;
/** Gradients per program: eight storage bindings per stage (WebGPU's default), one is the output. */
export const INPUTS_PER_PROGRAM = 7;
/** Floats each thread sums at least, and the most partial sums a program writes. */
const PER_THREAD = 64;
const MAX_THREADS = 1 << 16;

function register(): void {
  registerStudioKernel(SUM_SQUARES, (inputs, backend) => {
    const names = Object.keys(inputs).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
    const sizes = names.map((n) => inputs[n].shape.reduce((a, b) => a * b, 1));
    const total = sizes.reduce((a, b) => a + b, 0);
    const threads = Math.min(MAX_THREADS, Math.max(WORKGROUP, Math.ceil(total / PER_THREAD / WORKGROUP) * WORKGROUP));
    const loops = names.map((n, i) => `
  for (var e = index; e < uniforms.n${i}; e += ${threads}) { let v = ${n}[e]; acc += v * v; }`).join('');
    return runProgram(backend, {
      key: `sum_squares_${names.length}_${threads}`, inputs: names, outputShape: [threads], workgroup: WORKGROUP, workgroups: threads / WORKGROUP,
      uniforms: sizes.map((n, i) => ({ name: `n${i}`, type: 'i32' as const, value: n })),
      code: `
${MAIN} {
  var acc = 0.0;${loops}
  result[index] = acc;
}`,
    }, names.map((n) => inputs[n]));
  });
}

/** The L2 norm of all tensors together, as a scalar tensor (no CPU sync). */
export function globalNormKernel(tensors: tf.Tensor[]): tf.Scalar {
  register();
  return tf.tidy(() => {
    const partials: tf.Tensor[] = [];
    for (let i = 0; i < tensors.length; i += INPUTS_PER_PROGRAM) {
      const group = tensors.slice(i, i + INPUTS_PER_PROGRAM);
      partials.push(runKernel(SUM_SQUARES, Object.fromEntries(group.map((t, k) => [`g${k}`, t]))));
    }
    return tf.sqrt(tf.sum(partials.length === 1 ? partials[0] : tf.concat(partials))) as tf.Scalar;
  });
}
