// Seeded pseudo-random numbers that give the same stream on every backend and machine, so a
// model's initial weights and a run's batches depend only on the seed.

/** mulberry32: a tiny 32-bit generator, good enough for sampling and initialisation. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The first n draws of mulberry32(seed) as float32. Draw j depends only on seed + (j+1) * the
 * generator's increment, which lets a GPU kernel compute any draw on its own.
 */
export function uniformStream(seed: number, n: number): Float32Array {
  return Float32Array.from({ length: n }, mulberry32(seed));
}

/** FNV-1a hash of a string, for deriving independent seeds from names. */
export function hashString(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Standard normal samples (Box-Muller) from a uniform generator. */
export function fillNormal(out: Float32Array, rand: () => number, std: number): Float32Array {
  for (let i = 0; i < out.length; i += 2) {
    const u1 = Math.max(rand(), 1e-12);
    const u2 = rand();
    const r = Math.sqrt(-2 * Math.log(u1)) * std;
    out[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}
