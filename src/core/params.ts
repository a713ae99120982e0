// Parameter schemas for methods (growth and merging): each method declares its parameters with
// defaults, ranges and help; forms are generated from them and every call is validated against
// them with messages naming the parameter and the allowed range.

interface SpecCommon {
  name: string;
  label: string;
  help: string;
  /** mergekit refuses a config without it (merging's `weight`); the studio's API fills the default. */
  mergekitRequired?: boolean;
}

export type ParamSpec = SpecCommon & (
  | { kind: 'int'; default: number; min: number; max?: number }
  | { kind: 'number'; default: number; min?: number; max?: number }
  | { kind: 'boolean'; default: boolean });

export type ParamValues = Record<string, number | boolean>;

/** Checks one value against its spec; `where` prefixes the message. */
export function checkParam(s: ParamSpec, v: unknown, where: string): number | boolean {
  if (s.kind === 'boolean') {
    if (typeof v !== 'boolean') throw new Error(`${where}: ${s.name} must be true or false, got ${JSON.stringify(v)}`);
    return v;
  }
  const range = `${s.min ?? '-∞'} to ${s.max ?? '∞'}`;
  if (typeof v !== 'number' || !Number.isFinite(v) || (s.kind === 'int' && !Number.isInteger(v))) {
    throw new Error(`${where}: ${s.name} must be ${s.kind === 'int' ? 'an integer' : 'a number'} from ${range}, got ${JSON.stringify(v)}`);
  }
  if ((s.min !== undefined && v < s.min) || (s.max !== undefined && v > s.max)) {
    throw new Error(`${where}: ${s.name} must be from ${range}, got ${v}`);
  }
  return v;
}

/** Fills defaults and checks types and static ranges; `where` prefixes messages (e.g. "hyperclone"). */
export function validateParams(specs: ParamSpec[], raw: Record<string, unknown>, where: string): ParamValues {
  const known = new Set(specs.map((s) => s.name));
  const unknown = Object.keys(raw).filter((k) => !known.has(k) && raw[k] !== undefined);
  if (unknown.length) throw new Error(`${where}: unknown parameter(s) ${unknown.join(', ')}; allowed: ${[...known].join(', ') || 'none'}`);
  return Object.fromEntries(specs.map((s) => [s.name, checkParam(s, raw[s.name] ?? s.default, where)]));
}
