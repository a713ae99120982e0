// Rotary embedding on WebGPU in token-major layout (B, T, H, hd): one thread per element reads
// its partner across the half and the position's cos/sin. Stock tfjs runs split, neg, concat and
// three arithmetic programs forward and more backward. The backward pass is the rotation by the
// opposite angle (the same program with the sine negated), because cos/sin repeat over the halves.
// Reference: core/model/kernels.ts stockRope; parity: ./parity.ts.
import * as tf from '@tensorflow/tfjs';
import { MAIN, customOp, registerStudioKernel, runKernel, runProgram } from '../program';

const ROPE = 'StudioRope';
const WORKGROUP = 64;

function register(): void {
  registerStudioKernel(ROPE, ({ x, cosT, sinT }, backend, attrs) => {
    const [, t, h, hd] = x.shape;
    const size = x.shape.reduce((a, b) => a * b, 1);
    return runProgram(backend, {
      key: 'rope', inputs: ['x', 'cosT', 'sinT'], outputShape: x.shape, workgroup: WORKGROUP, workgroups: Math.ceil(size / WORKGROUP),
      uniforms: [{ name: 'n', type: 'i32', value: size }, { name: 't', type: 'i32', value: t }, { name: 'h', type: 'i32', value: h }, { name: 'hd', type: 'i32', value: hd }, { name: 'dir', type: 'f32', value: attrs.sign as number }],
      code: `
${MAIN} {
  if (index >= uniforms.n) { return; }
  let d = index % uniforms.hd;
  let pos = (index / (uniforms.h * uniforms.hd)) % uniforms.t;
  let halfHd = uniforms.hd / 2;
  var rotated = 0.0;
  if (d < halfHd) { rotated = -x[index + halfHd]; } else { rotated = x[index - halfHd]; }
  let table = pos * uniforms.hd + d;
  result[index] = x[index] * cosT[table] + uniforms.dir * rotated * sinT[table];
}`,
    }, [x, cosT, sinT]);
  });
}

export function ropeKernel(x: tf.Tensor4D, cos: tf.Tensor2D, sin: tf.Tensor2D): tf.Tensor4D {
  register();
  const op = customOp(([xIn], save) => {
    // The tables are saved, not captured: tensors made during the forward pass (the model makes
    // them there) are disposed before the backward pass unless saved.
    save([cos, sin]);
    return {
      value: runKernel(ROPE, { x: xIn, cosT: cos, sinT: sin }, { sign: 1 }),
      gradFunc: (dy: tf.Tensor, [c, s]: tf.Tensor[]) => runKernel(ROPE, { x: dy, cosT: c, sinT: s }, { sign: -1 }),
    };
  });
  return op(x) as tf.Tensor4D;
}
