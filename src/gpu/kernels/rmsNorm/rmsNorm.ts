// RMSNorm forward and backward on WebGPU, rows laid out as program.ts's RowLayout says (a
// workgroup or a thread per row). Forward: each row reduces sum(x^2) and
// writes y = x * r * w, r = rsqrt(mean(x^2) + eps): one program where the stock ops run five.
// Backward: r per row (one program), dx = r (g - x r^2 mean(g x)) with g = dy w (one program),
// dw = sum over rows of dy x r (one program, a thread per column).
// Reference: core/model/kernels.ts stockRmsNorm; parity: ./parity.ts.
import * as tf from '@tensorflow/tfjs';
import { MAIN, customOp, registerStudioKernel, rowKernel, runKernel, runProgram, type RowKernel, type RowLayout } from '../program';

const FORWARD = 'StudioRmsNorm';
const RSTD = 'StudioRmsNormRstd';
const GRAD_X = 'StudioRmsNormGradX';
const GRAD_W = 'StudioRmsNormGradW';

/** `let ss` = the row's sum of x^2. */
const sumOfSquares = (k: RowKernel) => `${k.header}
  var s = 0.0;
  for (var c = tid; c < uniforms.cols; c += ${k.stride}) { let v = x[base + c]; s += v * v; }
  ${k.sum('s', 'ss')}`;

function rowsOf(x: { shape: number[] }): { rows: number; cols: number } {
  const cols = x.shape[x.shape.length - 1];
  return { rows: x.shape.reduce((a, b) => a * b, 1) / cols, cols };
}

function register(): void {
  registerStudioKernel(FORWARD, ({ x, w }, backend, attrs) => {
    const { rows, cols } = rowsOf(x);
    const k = rowKernel(attrs.layout as RowLayout);
    return runProgram(backend, {
      key: `rmsnorm_fwd_${k.layout}`, inputs: ['x', 'w'], outputShape: x.shape, workgroup: k.workgroup, workgroups: k.workgroups(rows),
      uniforms: [{ name: 'rows', type: 'i32', value: rows }, { name: 'cols', type: 'i32', value: cols }, { name: 'eps', type: 'f32', value: attrs.eps as number }],
      code: `
${k.declarations}
${MAIN} {
  ${sumOfSquares(k)}
  let r = inverseSqrt(ss / f32(uniforms.cols) + uniforms.eps);
  if (valid) {
    for (var c = tid; c < uniforms.cols; c += ${k.stride}) { result[base + c] = x[base + c] * r * w[c]; }
  }
}`,
    }, [x, w]);
  });

  registerStudioKernel(RSTD, ({ x }, backend, attrs) => {
    const { rows, cols } = rowsOf(x);
    const k = rowKernel(attrs.layout as RowLayout);
    return runProgram(backend, {
      key: `rmsnorm_rstd_${k.layout}`, inputs: ['x'], outputShape: [rows], workgroup: k.workgroup, workgroups: k.workgroups(rows),
      uniforms: [{ name: 'rows', type: 'i32', value: rows }, { name: 'cols', type: 'i32', value: cols }, { name: 'eps', type: 'f32', value: attrs.eps as number }],
      code: `
${k.declarations}
${MAIN} {
  ${sumOfSquares(k)}
  if (valid && tid == 0) { result[row] = inverseSqrt(ss / f32(uniforms.cols) + uniforms.eps); }
}`,
    }, [x]);
  });

  registerStudioKernel(GRAD_X, ({ x, w, dy, rstd }, backend, attrs) => {
    const { rows, cols } = rowsOf(x);
    const k = rowKernel(attrs.layout as RowLayout);
    return runProgram(backend, {
      key: `rmsnorm_dx_${k.layout}`, inputs: ['x', 'w', 'dy', 'rstd'], outputShape: x.shape, workgroup: k.workgroup, workgroups: k.workgroups(rows),
      uniforms: [{ name: 'rows', type: 'i32', value: rows }, { name: 'cols', type: 'i32', value: cols }],
      code: `
${k.declarations}
${MAIN} {
  ${k.header}
  var s = 0.0;
  for (var c = tid; c < uniforms.cols; c += ${k.stride}) { s += dy[base + c] * w[c] * x[base + c]; }
  ${k.sum('s', 'gx')}
  let r = rstd[row];
  // d/dx of x r w: r g - x r^3 mean(g x), g = dy w.
  let q = r * r * r * gx / f32(uniforms.cols);
  if (valid) {
    for (var c = tid; c < uniforms.cols; c += ${k.stride}) { result[base + c] = r * dy[base + c] * w[c] - x[base + c] * q; }
  }
}`,
    }, [x, w, dy, rstd]);
  });

  registerStudioKernel(GRAD_W, ({ x, dy, rstd }, backend) => {
    const { rows, cols } = rowsOf(x);
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

/** `layout`: the row layout, taken when the op is called (its backward pass runs later). */
export function rmsNormKernel(x: tf.Tensor, weight: tf.Tensor, eps: number, layout: RowLayout): tf.Tensor {
  register();
  const op = customOp(([xIn, wIn], save) => {
    save([xIn, wIn]);
    return {
      value: runKernel(FORWARD, { x: xIn, w: wIn }, { eps, layout }),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved;
        const rstd = runKernel(RSTD, { x: xs }, { eps, layout });
        const dx = runKernel(GRAD_X, { x: xs, w: ws, dy, rstd }, { layout });
        const dw = runKernel(GRAD_W, { x: xs, dy, rstd });
        rstd.dispose();
        return [dx, dw];
      },
    };
  });
  return op(x, weight);
}
