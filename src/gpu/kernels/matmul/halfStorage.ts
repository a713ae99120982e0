// Half-precision storage for the linear layers: a tensor's floats rounded to IEEE binary16 and
// packed two to a 32-bit word (an int32 tensor of ceil(n / 2) words, element e in word e >> 1,
// low half first: the bit layout of an `array<f16>`). The rounding is ours, round to nearest
// even in integer arithmetic, so every GPU packs exactly the bits core/numeric/float16.ts gives
// on the CPU (WGSL leaves pack2x16float's rounding to the implementation). Reading back is
// unpack2x16float, which is exact. Core WGSL only: no `shader-f16` feature is needed to store
// halves, and the arithmetic stays f32.
import * as tf from '@tensorflow/tfjs';
import { MAIN, registerStudioKernel, runKernel, runProgram } from '../program';

const PACK = 'StudioPackFloat16';
const WORKGROUP = 256;

/** A matrix stored as packed halves, with its logical (rows, cols) shape. */
export interface HalfMatrix {
  packed: tf.Tensor1D;
  shape: [number, number];
}

/** WGSL: the binary16 bits nearest to a float32 (ties to even), as float16Bits on the CPU. */
const FLOAT16_BITS = `
fn float16Bits(x : f32) -> u32 {
  let bits = bitcast<u32>(x);
  let sign = (bits >> 16u) & 0x8000u;
  let exp = i32((bits >> 23u) & 0xffu);
  var mant = bits & 0x7fffffu;
  if (exp == 255) { return sign | 0x7c00u | select(0u, 0x200u, mant != 0u); }
  let e = exp - 112;
  if (e >= 31) { return sign | 0x7c00u; }
  if (e <= 0) {
    if (e < -10) { return sign; }
    mant = mant | 0x800000u;
    let shift = u32(14 - e);
    var sub = mant >> shift;
    let rem = mant & ((1u << shift) - 1u);
    let mid = 1u << (shift - 1u);
    if (rem > mid || (rem == mid && (sub & 1u) == 1u)) { sub = sub + 1u; }
    return sign | sub;
  }
  var half = (u32(e) << 10u) | (mant >> 13u);
  let rem = mant & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (half & 1u) == 1u)) { half = half + 1u; }
  return sign | half;
}`;

/** WGSL: element `e` of the packed-half input `name`, as f32. */
export function halfLoader(name: string): string {
  return `
fn ${name}Half(e : i32) -> f32 {
  let word = bitcast<u32>(${name}[e >> 1u]);
  return unpack2x16float(word >> (u32(e & 1) * 16u)).x;
}`;
}

function register(): void {
  registerStudioKernel(PACK, ({ x }, backend) => {
    const n = x.shape.reduce((a, b) => a * b, 1);
    const words = Math.ceil(n / 2);
    return runProgram(backend, {
      key: 'pack_f16', inputs: ['x'], outputShape: [words], outputDtype: 'int32', workgroup: WORKGROUP, workgroups: Math.ceil(words / WORKGROUP),
      uniforms: [{ name: 'n', type: 'i32', value: n }, { name: 'words', type: 'i32', value: words }],
      code: `${FLOAT16_BITS}
${MAIN} {
  if (index >= uniforms.words) { return; }
  let lo = float16Bits(x[2 * index]);
  let hi = select(0u, float16Bits(x[min(2 * index + 1, uniforms.n - 1)]), 2 * index + 1 < uniforms.n);
  result[index] = bitcast<i32>(lo | (hi << 16u));
}`,
    }, [x]);
  });
}

/** A 2-D float32 tensor rounded to binary16 and packed. */
export function packHalf(x: tf.Tensor2D): HalfMatrix {
  register();
  return { packed: runKernel(PACK, { x }) as tf.Tensor1D, shape: [x.shape[0], x.shape[1]] };
}
