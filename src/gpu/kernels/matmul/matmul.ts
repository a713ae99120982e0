// Matrix products of the linear layers on WebGPU, register-blocked and barrier-free: each thread
// computes a 4x4 block of C from 4 rows of A and 4 columns of B read straight from storage, with
// the transposes expressed as strides (so x W^T forward, dY W and dY^T X backward need no
// transposed copies). No workgroup memory and no barriers: on software adapters (SwiftShader
// runs workgroups as fibres, and every barrier is a switch) this beats tfjs's tiled kernel; on
// hardware the tiled kernel can win, which is why the bench measures both on the model's shapes.
// Reference: tf.matMul on the CPU backend; parity: ./parity.ts.
import * as tf from '@tensorflow/tfjs';
import { MAIN, customOp, registerStudioKernel, runKernel, runProgram } from '../program';

const MATMUL = 'StudioMatMul';
const WORKGROUP = 64;

function register(): void {
  registerStudioKernel(MATMUL, ({ a, b }, backend, attrs) => {
    const transA = attrs.transA as boolean;
    const transB = attrs.transB as boolean;
    const [m, k] = transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
    const n = transB ? b.shape[0] : b.shape[1];
    const kb = transB ? b.shape[1] : b.shape[0];
    if (k !== kb) throw new Error(`matmul: inner sizes differ (${k} and ${kb})`);
    const tiles = Math.ceil(m / 4) * Math.ceil(n / 4);
    return runProgram(backend, {
      key: 'matmul4x4', inputs: ['a', 'b'], outputShape: [m, n], workgroup: WORKGROUP, workgroups: Math.ceil(tiles / WORKGROUP),
      uniforms: [
        { name: 'm', type: 'i32', value: m }, { name: 'n', type: 'i32', value: n }, { name: 'k', type: 'i32', value: k },
        // A(i, p) = a[i * aI + p * aP], B(p, j) = b[p * bP + j * bJ].
        { name: 'aI', type: 'i32', value: transA ? 1 : k }, { name: 'aP', type: 'i32', value: transA ? m : 1 },
        { name: 'bP', type: 'i32', value: transB ? 1 : n }, { name: 'bJ', type: 'i32', value: transB ? k : 1 },
      ],
      code: `
${MAIN} {
  let tilesN = (uniforms.n + 3) / 4;
  let i0 = (index / tilesN) * 4;
  let j0 = (index % tilesN) * 4;
  if (i0 >= uniforms.m) { return; }
  // Rows and columns past the edge read the last valid one and are not written.
  let rows = vec4<i32>(min(vec4<i32>(i0) + vec4<i32>(0, 1, 2, 3), vec4<i32>(uniforms.m - 1))) * uniforms.aI;
  let cols = vec4<i32>(min(vec4<i32>(j0) + vec4<i32>(0, 1, 2, 3), vec4<i32>(uniforms.n - 1))) * uniforms.bJ;
  var c0 = vec4<f32>(0.0);
  var c1 = vec4<f32>(0.0);
  var c2 = vec4<f32>(0.0);
  var c3 = vec4<f32>(0.0);
  for (var p = 0; p < uniforms.k; p++) {
    let ap = p * uniforms.aP;
    let bp = p * uniforms.bP;
    let av = vec4<f32>(a[rows.x + ap], a[rows.y + ap], a[rows.z + ap], a[rows.w + ap]);
    let bv = vec4<f32>(b[bp + cols.x], b[bp + cols.y], b[bp + cols.z], b[bp + cols.w]);
    c0 += av.x * bv;
    c1 += av.y * bv;
    c2 += av.z * bv;
    c3 += av.w * bv;
  }
  var acc = array<vec4<f32>, 4>(c0, c1, c2, c3);
  for (var r = 0; r < 4; r++) {
    let i = i0 + r;
    if (i < uniforms.m) {
      for (var c = 0; c < 4; c++) {
        if (j0 + c < uniforms.n) { result[i * uniforms.n + j0 + c] = acc[r][c]; }
      }
    }
  }
}`,
    }, [a, b]);
  });
}

/** op(A) op(B) for 2-D tensors, op = transpose where asked. */
export function matMulKernel(a: tf.Tensor2D, b: tf.Tensor2D, transA = false, transB = false): tf.Tensor2D {
  register();
  return runKernel(MATMUL, { a, b }, { transA, transB }) as tf.Tensor2D;
}

/** x W^T for x (M, in) and W (out, in), with its gradients through the same kernel. */
export function linearKernel(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  register();
  const op = customOp(([xIn, wIn], save) => {
    save([xIn, wIn]);
    return {
      value: matMulKernel(xIn as tf.Tensor2D, wIn as tf.Tensor2D, false, true),
      gradFunc: (dy: tf.Tensor, [xs, ws]: tf.Tensor[]) => [
        matMulKernel(dy as tf.Tensor2D, ws as tf.Tensor2D, false, false), // dX = dY W
        matMulKernel(dy as tf.Tensor2D, xs as tf.Tensor2D, true, false), // dW = dY^T X
      ],
    };
  });
  return op(x, w) as tf.Tensor2D;
}
