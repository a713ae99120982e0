// Deterministic even sampling for the suite builders: when a suite must keep fewer items than the
// corpus offers, it keeps items spread over the whole corpus rather than its first documents.

/** n items spread evenly over a list (all of it when n >= its length), in list order. */
export function spread<T>(items: T[], n: number): T[] {
  if (n >= items.length) return items;
  return Array.from({ length: n }, (_, k) => items[Math.floor((k * items.length) / n)]);
}
