// The one way the studio writes a FLOP count, in the panels, the recipe plan's stage titles, the
// findings and the exported report alike: three significant digits and an SI prefix with a space
// ("44.4 MFLOP", "1.35 GFLOP", "900 FLOP").

const PREFIXES: [number, string][] = [[1e15, 'P'], [1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];

/** FLOPs to three significant digits with an SI prefix; "—" for a value that is not a number. */
export function formatFlops(f: number): string {
  if (!Number.isFinite(f)) return '—';
  // Round first, then pick the prefix, so 999_600 reads "1.00 MFLOP", not "1.00e+3 kFLOP".
  const rounded = Number(f.toPrecision(3));
  const [scale, prefix] = PREFIXES.find(([x]) => Math.abs(rounded) >= x) ?? [1, ''];
  const digits = scale === 1 ? String(Math.round(rounded)) : (rounded / scale).toPrecision(3);
  return `${digits} ${prefix}FLOP`;
}
