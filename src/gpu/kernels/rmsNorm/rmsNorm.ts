// RMSNorm forward and backward on WebGPU. Forward: one workgroup per row reduces sum(x^2) and
// writes y = x * r * w, r = rsqrt(mean(x^2) + eps): one program where the stock ops run five.
// Backward: r per row (one program), dx = r (g - x r^2 mean(g x)) with g = dy w (one program),
// dw = sum over rows of dy x r (one program, a thread per column).
// Reference: core/model/kernels.ts stockRmsNorm; parity: ./parity.ts.
import * as tf from '@tensorflow/tfjs';
import { MAIN, customOp, ROW_OF_WORKGROUP, ROW_WORKGROUP, registerStudioKernel, runKernel, runProgram, workgroupSum } from '../program';

const FORWARD = 'StudioRmsNorm';
const RSTD = 'StudioRmsNormRstd';
const GRAD_X = 'StudioRmsNormGradX';
const GRAD_W = 'StudioRmsNormGradW';


/** The row's sum of x^2 into partial[0], reduced over the workgroup. */
const SUM_OF_SQUARES = `${ROW_OF_WORKGROUP}
  var s = 0.0;
  for (var c = tid; c < uniforms.cols; c += ${ROW_WORKGROUP}) { let v = x[base + c]; s += v * v; }
  partial[localId.x] = s;
  ${workgroupSum('partial')}`;

function register(): void {
  registerStudioKernel(FORWARD, ({ x, w }, backend, attrs) => {
    const cols = x.shape[x.shape.length - 1];
    const rows = x.shape.reduce((a, b) => a * b, 1) / cols;
    return runProgram(backend, {
      key: 'rmsnorm_fwd', inputs: ['x', 'w'], outputShape: x.shape, workgroup: ROW_WORKGROUP, workgroups: rows,
      uniforms: [{ name: 'rows', type: 'i32', value: rows }, { name: 'cols', type: 'i32', value: cols }, { name: 'eps', type: 'f32', value: attrs.eps as number }],
      code: `
var<workgroup> partial : array<f32, ${ROW_WORKGROUP}>;
${MAIN} {
  ${SUM_OF_SQUARES}
  let r = inverseSqrt(partial[0] / f32(uniforms.cols) + uniforms.eps);
  if (valid) {
    for (var c = tid; c < uniforms.cols; c += ${ROW_WORKGROUP}) { result[base + c] = x[base + c] * r * w[c]; }
  }
}`,
    }, [x, w]);
  });

  registerStudioKernel(RSTD, ({ x }, backend, attrs) => {
    const cols = x.shape[x.shape.length - 1];
    const rows = x.shape.reduce((a, b) => a * b, 1) / cols;
    return runProgram(backend, {
      key: 'rmsnorm_rstd', inputs: ['x'], outputShape: [rows], workgroup: ROW_WORKGROUP, workgroups: rows,
      uniforms: [{ name: 'rows', type: 'i32', value: rows }, { name: 'cols', type: 'i32', value: cols }, { name: 'eps', type: 'f32', value: attrs.eps as number }],
      code: `
var<workgroup> partial : array<f32, ${ROW_WORKGROUP}>;
${MAIN} {
  ${SUM_OF_SQUARES}
  if (valid && tid == 0) { result[row] = inverseSqrt(partial[0] / f32(uniforms.cols) + uniforms.eps); }
}`,
    }, [x]);
  });

  registerStudioKernel(GRAD_X, ({ x, w, dy, rstd }, backend) => {
    const cols = x.shape[x.shape.length - 1];
    const rows = x.shape.reduce((a, b) => a * b, 1) / cols;
    return runProgram(backend, {
      key: 'rmsnorm_dx', inputs: ['x', 'w', 'dy', 'rstd'], outputShape: x.shape, workgroup: ROW_WORKGROUP, workgroups: rows,
      uniforms: [{ name: 'rows', type: 'i32', value: rows }, { name: 'cols', type: 'i32', value: cols }],
      code: `
var<workgroup> partial : array<f32, ${ROW_WORKGROUP}>;
${MAIN} {
  ${ROW_OF_WORKGROUP}
  var s = 0.0;
  for (var c = tid; c < uniforms.cols; c += ${ROW_WORKGROUP}) { s += dy[base + c] * w[c] * x[base + c]; }
  partial[localId.x] = s;
  ${workgroupSum('partial')}
  let r = rstd[row];
  // d/dx of x r w: r g - x r^3 mean(g x), g = dy w.
  let k = r * r * r * partial[0] / f32(uniforms.cols);
  if (valid) {
    for (var c = tid; c < uniforms.cols; c += ${ROW_WORKGROUP}) { result[base + c] = r * dy[base + c] * w[c] - x[base + c] * k; }
  }
}`,
    }, [x, w, dy, rstd]);
  });

  registerStudioKernel(GRAD_W, ({ x, dy, rstd }, backend) => {
    const cols = x.shape[x.shape.length - 1];
    const rows = x.shape.reduce((a, b) => a * b, 1) / cols;
    const workgroup = 64;
    return runProgram(backend, {
      key: 'rmsnorm_dw', inputs: ['x', 'dy', 'rstd'], outputShape: [cols], workgroup, workgroups: Math.ceil(cols / workgroup),
      uniforms: [{ name: 'rows', type: 'i32', value: rows }, { name: 'cols', type: 'i32', value: cols }],
      code: `
${MAIN} {
  let c = index;
  if (c >= uniforms.cols) { return; }
  var s = 0.0;
  for (var r = 0; r < uniforms.rows; r++) { s += dy[r * uniforms.cols + c] * x[r * uniforms.cols + c] * rstd[r]; }
  result[c] = s;
}`,
    }, [x, dy, rstd]);
  });
}

export function rmsNormKernel(x: tf.Tensor, weight: tf.Tensor, eps: number): tf.Tensor {
  register();
  const op = customOp(([xIn, wIn], save) => {
    save([xIn, wIn]);
    return {
      value: runKernel(FORWARD, { x: xIn, w: wIn }, { eps }),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved;
        const rstd = runKernel(RSTD, { x: xs }, { eps });
        const dx = runKernel(GRAD_X, { x: xs, w: ws, dy, rstd });
        const dw = runKernel(GRAD_W, { x: xs, dy, rstd });
        rstd.dispose();
        return [dx, dw];
      },
    };
  });
  return op(x, weight);
}
