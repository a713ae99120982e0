// Array helpers for growth: block tiling of [out, in] matrices and vectors, on Float32Arrays.
import type { HostTensor } from './types';

/** Block matrix of (mOut x mIn) copies of w [r, c], each multiplied by `scale`: [r mOut, c mIn]. */
export function tileMatrix(w: HostTensor, mOut: number, mIn: number, scale: number): HostTensor {
  const [r, c] = w.shape;
  const out = new Float32Array(r * mOut * c * mIn);
  const cols = c * mIn;
  for (let bo = 0; bo < mOut; bo++) {
    for (let i = 0; i < r; i++) {
      const src = i * c;
      const dstRow = (bo * r + i) * cols;
      for (let bi = 0; bi < mIn; bi++) {
        const dst = dstRow + bi * c;
        for (let j = 0; j < c; j++) out[dst + j] = w.data[src + j] * scale;
      }
    }
  }
  return { shape: [r * mOut, cols], data: out };
}

/** m copies of a vector end to end. */
export function tileVector(v: HostTensor, m: number): HostTensor {
  const out = new Float32Array(v.data.length * m);
  for (let k = 0; k < m; k++) out.set(v.data, k * v.data.length);
  return { shape: [v.data.length * m], data: out };
}

export function copyTensor(t: HostTensor): HostTensor {
  return { shape: t.shape.slice(), data: t.data.slice() };
}

export function zerosLike(t: HostTensor): HostTensor {
  return { shape: t.shape.slice(), data: new Float32Array(t.data.length) };
}
