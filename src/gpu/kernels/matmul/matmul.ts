// Matrix products of the linear layers on WebGPU, register-blocked and barrier-free: each thread
// computes a 12x8 block of C from 12 rows of A and 8 columns of B read straight from storage, with
// the transposes expressed as strides (so x W^T forward, dY W and dY^T X backward need no
// transposed copies). No workgroup memory and no barriers: on software adapters (SwiftShader
// runs workgroups as fibres, and every barrier is a switch) this beats tfjs's tiled kernel; on
// hardware the tiled kernel can win, which is why the bench measures both on the model's shapes.
// Reference: tf.matMul on the CPU backend; parity: ./parity.ts.
import * as tf from '@tensorflow/tfjs';
import { MAIN, customOp, registerStudioKernel, runKernel, runProgram } from '../program';
import { halfLoader, packHalf, type HalfMatrix } from './halfStorage';
import { tiledMatMulKernel } from './tiled';
import type { MatmulCandidate, MatmulShape } from '../../autotune/table';
import { productLayout } from './layout';

const MATMUL = 'StudioMatMul';
const WORKGROUP = 64;

/**
 * Rows and columns of C per thread (bn a multiple of 4: columns go in vec4 accumulators). On
 * SwiftShader, measured in one session at the 1M model's shapes and square sizes: 4x4 1.4-1.9
 * GFLOP/s, 8x8 2.5-3.8, 12x8 3.0-4.5, 8x16 and 16x8 1.9-2.6.
 */
const BLOCK = { bm: 12, bn: 8 };

/** Which operands are packed halves (./halfStorage.ts) rather than float32. */
interface Storage {
  halfA: boolean;
  halfB: boolean;
}

function blockedMatMul(bm: number, bn: number, { halfA, halfB }: Storage): string {
  const loadA = (e: string) => (halfA ? `aHalf(${e})` : `a[${e}]`);
  const loadB = (e: string) => (halfB ? `bHalf(${e})` : `b[${e}]`);
  const R = Array.from({ length: bm }, (_, r) => r);
  const G = Array.from({ length: bn / 4 }, (_, g) => g);
  const C = Array.from({ length: bn }, (_, c) => c);
  return `${halfA ? halfLoader('a') : ''}${halfB ? halfLoader('b') : ''}
${MAIN} {
  let tilesN = (uniforms.n + ${bn - 1}) / ${bn};
  let i0 = (index / tilesN) * ${bm};
  let j0 = (index % tilesN) * ${bn};
  if (i0 >= uniforms.m) { return; }
  // Rows and columns past the edge read the last valid one and are not written.
  ${R.map((r) => `let row${r} = min(i0 + ${r}, uniforms.m - 1) * uniforms.aI;`).join('\n  ')}
  ${C.map((c) => `let col${c} = min(j0 + ${c}, uniforms.n - 1) * uniforms.bJ;`).join('\n  ')}
  ${R.flatMap((r) => G.map((g) => `var c${r}_${g} = vec4<f32>(0.0);`)).join('\n  ')}
  for (var p = 0; p < uniforms.k; p++) {
    let ap = p * uniforms.aP;
    let bp = p * uniforms.bP;
    ${G.map((g) => `let b${g} = vec4<f32>(${[0, 1, 2, 3].map((q) => loadB(`bp + col${4 * g + q}`)).join(', ')});`).join('\n    ')}
    ${R.map((r) => `let a${r} = ${loadA(`row${r} + ap`)};\n    ${G.map((g) => `c${r}_${g} += a${r} * b${g};`).join(' ')}`).join('\n    ')}
  }
  ${R.map((r) => `if (i0 + ${r} < uniforms.m) {
    ${G.flatMap((g) => [0, 1, 2, 3].map((q) => `if (j0 + ${4 * g + q} < uniforms.n) { result[(i0 + ${r}) * uniforms.n + j0 + ${4 * g + q}] = c${r}_${g}[${q}]; }`)).join('\n    ')}
  }`).join('\n  ')}
}`;
}

function register(): void {
  registerStudioKernel(MATMUL, ({ a, b }, backend, attrs) => {
    const transA = attrs.transA as boolean;
    const transB = attrs.transB as boolean;
    // A packed operand is 1-D; its matrix shape travels as an attribute.
    const storage: Storage = { halfA: attrs.aShape !== undefined, halfB: attrs.bShape !== undefined };
    const aShape = (attrs.aShape as number[] | undefined) ?? a.shape;
    const bShape = (attrs.bShape as number[] | undefined) ?? b.shape;
    const { m, n, uniforms } = productLayout(aShape, bShape, transA, transB, 'matmul');
    const { bm, bn } = BLOCK;
    const tiles = Math.ceil(m / bm) * Math.ceil(n / bn);
    return runProgram(backend, {
      key: `matmul${bm}x${bn}${storage.halfA ? '_ha' : ''}${storage.halfB ? '_hb' : ''}`, inputs: ['a', 'b'], outputShape: [m, n], workgroup: WORKGROUP, workgroups: Math.ceil(tiles / WORKGROUP),
      uniforms,
      code: blockedMatMul(bm, bn, storage),
    }, [a, b]);
  });
}

type Operand = tf.Tensor2D | HalfMatrix;

const isHalf = (x: Operand): x is HalfMatrix => !(x instanceof tf.Tensor);

/** op(A) op(B) for 2-D float32 tensors or packed halves, op = transpose where asked; f32 sums. */
export function matMulKernel(a: Operand, b: Operand, transA = false, transB = false): tf.Tensor2D {
  register();
  return runKernel(MATMUL, { a: isHalf(a) ? a.packed : a, b: isHalf(b) ? b.packed : b }, {
    transA, transB, ...(isHalf(a) ? { aShape: a.shape } : {}), ...(isHalf(b) ? { bShape: b.shape } : {}),
  }) as tf.Tensor2D;
}

/** x W^T for x (M, in) and W (out, in), with its gradients through the same kernel. */
export function linearKernel(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  return linearWith(() => 'blocked', x, w);
}

/** One float32 product op(A) op(B) by a matmul candidate (autotune/table.ts TUNED_KERNELS.matmul). */
export function productBy(candidate: MatmulCandidate, a: tf.Tensor2D, b: tf.Tensor2D, transA: boolean, transB: boolean): tf.Tensor2D {
  if (candidate === 'tiled') return tiledMatMulKernel(a, b, transA, transB);
  if (candidate === 'tfjs') return tf.matMul(a, b, transA, transB);
  return matMulKernel(a, b, transA, transB);
}

/** Picks the candidate for one product from its shape (the tuned table's choice, or a fixed one). */
export type ChooseMatmul = (shape: MatmulShape) => MatmulCandidate;

/**
 * x W^T with each of its three products (forward, dX = dY W, dW = dY^T X) by the candidate
 * `choose` gives for that product's shape: the kernel the tuner measured fastest there.
 */
export function linearWith(choose: ChooseMatmul, x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  register();
  const by = (a: tf.Tensor2D, b: tf.Tensor2D, transA: boolean, transB: boolean) => {
    const m = transA ? a.shape[1] : a.shape[0];
    const k = transA ? a.shape[0] : a.shape[1];
    const n = transB ? b.shape[0] : b.shape[1];
    return productBy(choose({ kernel: 'matmul', m, k, n, transA, transB }), a, b, transA, transB);
  };
  const op = customOp(([xIn, wIn], save) => {
    save([xIn, wIn]);
    return {
      value: by(xIn as tf.Tensor2D, wIn as tf.Tensor2D, false, true),
      gradFunc: (dy: tf.Tensor, [xs, ws]: tf.Tensor[]) => [
        by(dy as tf.Tensor2D, ws as tf.Tensor2D, false, false), // dX = dY W
        by(dy as tf.Tensor2D, xs as tf.Tensor2D, true, false), // dW = dY^T X
      ],
    };
  });
  return op(x, w) as tf.Tensor2D;
}

/**
 * x W^T with x and W stored as binary16 (./halfStorage.ts): the forward product reads halves,
 * the backward keeps only the packed copies (half the memory of the saved input) and multiplies
 * the float32 upstream gradient by them, so gradients are never rounded to f16 (no loss scaling
 * needed); every sum is f32. Reference: ./halfReference.ts; parity: ./parity.ts.
 */
export function linearKernelHalf(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  register();
  const op = customOp(([xIn, wIn], save) => {
    const xh = packHalf(xIn as tf.Tensor2D);
    const wh = packHalf(wIn as tf.Tensor2D);
    save([xh.packed, wh.packed]);
    return {
      value: matMulKernel(xh, wh, false, true),
      gradFunc: (dy: tf.Tensor, [xs, ws]: tf.Tensor[]) => [
        matMulKernel(dy as tf.Tensor2D, { packed: ws as tf.Tensor1D, shape: wh.shape }, false, false), // dX = dY W
        matMulKernel(dy as tf.Tensor2D, { packed: xs as tf.Tensor1D, shape: xh.shape }, true, false), // dW = dY^T X
      ],
    };
  });
  return op(x, w) as tf.Tensor2D;
}
