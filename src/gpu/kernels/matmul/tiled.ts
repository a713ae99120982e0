// The tiled matrix product: the classic GPU layout the register-blocked kernel (./matmul.ts)
// avoids. A workgroup of 64 threads computes a 32x32 tile of C; each step it stages a 32x16
// slice of op(A) and a 16x32 slice of op(B) in workgroup memory (coalesced loads: consecutive
// threads read consecutive addresses whatever the transposes), waits at a barrier, and each
// thread accumulates a 4x4 block from the shared slices. On hardware the shared tiles cut the
// traffic to storage by 16x per operand; on SwiftShader every barrier is a fibre switch, which is
// why it is a candidate the tuner times (autotune/) rather than the default.
// Reference: tf.matMul on the CPU backend; parity: ./parity.ts (checkMatmulTiledParity).
import type * as tf from '@tensorflow/tfjs';
import { MAIN, WORKGROUP_INDEX, registerStudioKernel, runKernel, runProgram } from '../program';
import { productLayout } from './layout';

const TILED = 'StudioMatMulTiled';
/** Tile of C per workgroup (TM x TN), depth of a staged slice (TK), block of C per thread (4x4). */
const TM = 32;
const TN = 32;
const TK = 16;
const THREADS = 64;

/** WGSL for op(A) op(B) with the transposes fixed (they decide which load order is coalesced). */
function tiledMatMul(transA: boolean, transB: boolean): string {
  // Element e of a staged slice -> (row, depth) of A, (depth, col) of B, fastest along memory.
  const aIndex = transA ? 'let r = e % TM; let q = e / TM;' : 'let r = e / TK; let q = e % TK;';
  const bIndex = transB ? 'let c = e / TK; let q = e % TK;' : 'let q = e / TN; let c = e % TN;';
  const rows = [0, 1, 2, 3];
  return `
const TM = ${TM};
const TN = ${TN};
const TK = ${TK};
var<workgroup> tileA : array<f32, ${TM * TK}>;
var<workgroup> tileB : array<f32, ${TK * TN}>;
${MAIN} {
  let tilesN = (uniforms.n + TN - 1) / TN;
  let wg = ${WORKGROUP_INDEX};
  let i0 = (wg / tilesN) * TM;
  let j0 = (wg % tilesN) * TN;
  let t = i32(localId.x);
  let tr = (t / ${TN / 4}) * 4;
  let tc = (t % ${TN / 4}) * 4;
  ${rows.map((r) => `var c${r} = vec4<f32>(0.0);`).join('\n  ')}
  for (var p0 = 0; p0 < uniforms.k; p0 += TK) {
    for (var e = t; e < TM * TK; e += ${THREADS}) {
      ${aIndex}
      let i = i0 + r;
      let p = p0 + q;
      let v = a[min(i, uniforms.m - 1) * uniforms.aI + min(p, uniforms.k - 1) * uniforms.aP];
      tileA[r * TK + q] = select(0.0, v, i < uniforms.m && p < uniforms.k);
    }
    for (var e = t; e < TK * TN; e += ${THREADS}) {
      ${bIndex}
      let j = j0 + c;
      let p = p0 + q;
      let v = b[min(p, uniforms.k - 1) * uniforms.bP + min(j, uniforms.n - 1) * uniforms.bJ];
      tileB[q * TN + c] = select(0.0, v, j < uniforms.n && p < uniforms.k);
    }
    workgroupBarrier();
    for (var q = 0; q < TK; q++) {
      let bq = vec4<f32>(tileB[q * TN + tc], tileB[q * TN + tc + 1], tileB[q * TN + tc + 2], tileB[q * TN + tc + 3]);
      ${rows.map((r) => `c${r} += tileA[(tr + ${r}) * TK + q] * bq;`).join('\n      ')}
    }
    workgroupBarrier();
  }
  ${rows.map((r) => `if (i0 + tr + ${r} < uniforms.m) {
    for (var q = 0; q < 4; q++) { if (j0 + tc + q < uniforms.n) { result[(i0 + tr + ${r}) * uniforms.n + j0 + tc + q] = c${r}[q]; } }
  }`).join('\n  ')}
}`;
}

function register(): void {
  registerStudioKernel(TILED, ({ a, b }, backend, attrs) => {
    const transA = attrs.transA as boolean;
    const transB = attrs.transB as boolean;
    const { m, n, uniforms } = productLayout(a.shape, b.shape, transA, transB, 'tiled matmul');
    return runProgram(backend, {
      key: `matmul_tiled_${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`, inputs: ['a', 'b'], outputShape: [m, n], workgroup: THREADS,
      workgroups: Math.ceil(m / TM) * Math.ceil(n / TN),
      uniforms,
      code: tiledMatMul(transA, transB),
    }, [a, b]);
  });
}

/** op(A) op(B) for 2-D float32 tensors through workgroup-memory tiles, op = transpose where asked. */
export function tiledMatMulKernel(a: tf.Tensor2D, b: tf.Tensor2D, transA = false, transB = false): tf.Tensor2D {
  register();
  return runKernel(TILED, { a, b }, { transA, transB }) as tf.Tensor2D;
}
