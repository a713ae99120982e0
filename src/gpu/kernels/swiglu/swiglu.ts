// The gated MLP's activation silu(gate) * up (SwiGLU, the Llama MLP) in one program forward and
// two backward, instead of stock tfjs's Sigmoid and two Multiply forward and about a dozen
// element-wise kernels backward (a tiny model's step ran 14 fewer per layer). With s = sigmoid(g):
//   d gate = dy * up * s * (1 + g * (1 - s)),   d up = dy * g * s.
// Reference: core/model/kernels.ts stockSwiglu; parity: ./parity.ts.
import * as tf from '@tensorflow/tfjs';
import { MAIN, customOp, registerStudioKernel, runKernel, runProgram } from '../program';

const FORWARD = 'StudioSwiglu';
const GRAD_GATE = 'StudioSwigluGradGate';
const GRAD_UP = 'StudioSwigluGradUp';
const WORKGROUP = 256;

/** One element-wise program over `inputs`: `body` sets `result[index]` from `let`s named after them. */
function register(name: string, inputs: string[], body: string): void {
  registerStudioKernel(name, (tensors, backend) => {
    const x = tensors[inputs[0]];
    const n = x.shape.reduce((a, b) => a * b, 1);
    return runProgram(backend, {
      key: name, inputs, outputShape: x.shape, workgroup: WORKGROUP, workgroups: Math.ceil(n / WORKGROUP),
      uniforms: [{ name: 'n', type: 'i32', value: n }],
      code: `
${MAIN} {
  if (index >= uniforms.n) { return; }
  ${inputs.map((i) => `let ${i}v = ${i}[index];`).join(' ')}
  let s = 1.0 / (1.0 + exp(-gatev));
  ${body}
}`,
    }, inputs.map((i) => tensors[i]));
  });
}

function registerAll(): void {
  register(FORWARD, ['gate', 'up'], 'result[index] = gatev * s * upv;');
  register(GRAD_GATE, ['gate', 'up', 'dy'], 'result[index] = dyv * upv * s * (1.0 + gatev * (1.0 - s));');
  register(GRAD_UP, ['gate', 'dy'], 'result[index] = dyv * gatev * s;');
}

/** silu(gate) * up for tensors of one shape, with its gradients through our programs. */
export function swigluKernel(gate: tf.Tensor, up: tf.Tensor): tf.Tensor {
  registerAll();
  const op = customOp(([g, u], save) => {
    save([g, u]);
    return {
      value: runKernel(FORWARD, { gate: g, up: u }),
      gradFunc: (dy: tf.Tensor, [gs, us]: tf.Tensor[]) => [runKernel(GRAD_GATE, { gate: gs, up: us, dy }), runKernel(GRAD_UP, { gate: gs, dy })],
    };
  });
  return op(gate, up);
}
