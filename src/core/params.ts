// Parameter schemas for methods (growth now, merging later): each method declares its
// parameters with defaults, ranges and help; forms are generated from them and every call is
// validated against them with messages naming the parameter and the allowed range.

export type ParamSpec =
  | { name: string; kind: 'int'; label: string; help: string; default: number; min: number; max?: number }
  | { name: string; kind: 'number'; label: string; help: string; default: number; min?: number; max?: number }
  | { name: string; kind: 'boolean'; label: string; help: string; default: boolean };

export type ParamValues = Record<string, number | boolean>;

/** Fills defaults and checks types and static ranges; `where` prefixes messages (e.g. "hyperclone"). */
export function validateParams(specs: ParamSpec[], raw: Record<string, unknown>, where: string): ParamValues {
  const known = new Set(specs.map((s) => s.name));
  const unknown = Object.keys(raw).filter((k) => !known.has(k) && raw[k] !== undefined);
  if (unknown.length) throw new Error(`${where}: unknown parameter(s) ${unknown.join(', ')}; allowed: ${[...known].join(', ') || 'none'}`);
  const out: ParamValues = {};
  for (const s of specs) {
    const v = raw[s.name] ?? s.default;
    if (s.kind === 'boolean') {
      if (typeof v !== 'boolean') throw new Error(`${where}: ${s.name} must be true or false, got ${JSON.stringify(v)}`);
    } else {
      const range = `${s.min ?? '-∞'} to ${s.max ?? '∞'}`;
      if (typeof v !== 'number' || !Number.isFinite(v) || (s.kind === 'int' && !Number.isInteger(v))) {
        throw new Error(`${where}: ${s.name} must be ${s.kind === 'int' ? 'an integer' : 'a number'} from ${range}, got ${JSON.stringify(v)}`);
      }
      if ((s.min !== undefined && v < s.min) || (s.max !== undefined && v > s.max)) {
        throw new Error(`${where}: ${s.name} must be from ${range}, got ${v}`);
      }
    }
    out[s.name] = v as number | boolean;
  }
  return out;
}
