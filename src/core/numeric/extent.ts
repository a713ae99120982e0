// The smallest and largest of a list, by a fold: Math.min(...xs) throws past the engine's
// argument limit (about 10^5 values), which a long run's curve points reach.
export function extent(values: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}
