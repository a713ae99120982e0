// A merge parameter's setting as mergekit reads it (mergekit/config.py evaluate_setting): a value,
// a gradient (a list of numbers interpolated over the layers), or a list of conditions
// [{filter, value}] whose first entry whose filter is a substring of the tensor name (or has no
// filter, or "*") applies. The layer position t is mergekit's (mergekit/plan.py): layer i of L has
// t = i / (L − 1) (t = 1 when L = 1); tensors outside the layers (embeddings, final norm, lm_head)
// have t = 0, so they take a gradient's first value.
import { checkParam, type ParamSpec, type ParamValues } from '../params';

export type Gradient = number[];
export interface Condition {
  filter?: string | null;
  value: number | boolean | Gradient;
}
export type ParamSetting = number | boolean | Gradient | Condition[];
export type ParamSettings = Record<string, ParamSetting>;

/** mergekit's t of a tensor: its layer's position in [0, 1], or 0 outside the layers. */
export function layerPosition(layer: number | null, numLayers: number): number {
  if (layer === null) return 0;
  return numLayers > 1 ? layer / (numLayers - 1) : 1;
}

function isGradient(v: unknown): v is Gradient {
  return Array.isArray(v) && v.every((x) => typeof x === 'number');
}

/** The value of a setting for one tensor, or undefined when no condition matches it. */
export function evaluateSetting(s: ParamSetting, tensorName: string, t: number): number | boolean | undefined {
  if (!Array.isArray(s)) return s;
  if (isGradient(s)) {
    // Linear interpolation between the two list entries around t · (len − 1), as mergekit does.
    const scaled = t * (s.length - 1);
    const i0 = Math.floor(scaled);
    const i1 = Math.min(s.length - 1, i0 + 1);
    const frac = scaled - i0;
    return (1 - frac) * s[i0] + frac * s[i1];
  }
  for (const c of s as Condition[]) {
    if (c.filter === undefined || c.filter === null || c.filter === '*' || tensorName.includes(c.filter)) return evaluateSetting(c.value, tensorName, t);
  }
  return undefined;
}

/** Checks a raw setting (value, gradient or conditions) against its spec; every number is range-checked. */
export function checkSetting(spec: ParamSpec, raw: unknown, where: string): ParamSetting {
  if (!Array.isArray(raw)) return checkParam(spec, raw, where);
  if (raw.length === 0) throw new Error(`${where}: ${spec.name} is an empty list; give a value, a list of numbers (a gradient over the layers) or a list of {filter, value}`);
  if (raw.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x))) {
    return raw.map((c: Record<string, unknown>, i) => {
      const extra = Object.keys(c).filter((k) => k !== 'filter' && k !== 'value');
      if (extra.length || !('value' in c)) throw new Error(`${where}: ${spec.name}[${i}] must be {filter, value}${extra.length ? `, got key(s) ${extra.join(', ')}` : ', value is missing'}`);
      if (c.filter !== undefined && c.filter !== null && typeof c.filter !== 'string') throw new Error(`${where}: ${spec.name}[${i}].filter must be a piece of a tensor name, got ${JSON.stringify(c.filter)}`);
      const value = checkSetting(spec, c.value, `${where} ${spec.name}[${i}]`);
      if (Array.isArray(value) && !isGradient(value)) throw new Error(`${where}: ${spec.name}[${i}].value must be a value or a list of numbers, not nested conditions`);
      return { ...(c.filter !== undefined && c.filter !== null ? { filter: c.filter as string } : {}), value: value as number | boolean | Gradient };
    });
  }
  if (spec.kind !== 'number') throw new Error(`${where}: ${spec.name} is ${spec.kind === 'boolean' ? 'true or false' : 'an integer'} and cannot vary over the layers; give one value`);
  raw.forEach((x, i) => checkParam(spec, x, `${where} ${spec.name}[${i}]`));
  return raw as Gradient;
}

/**
 * The values of `specs` for one tensor: each setting in `chain` order (a model's own, then the
 * global parameters), the first that gives a value, else the spec's default.
 */
export function resolveParams(specs: ParamSpec[], chain: ParamSettings[], tensorName: string, t: number): ParamValues {
  const out: ParamValues = {};
  for (const s of specs) {
    let v: number | boolean | undefined;
    for (const settings of chain) {
      if (settings[s.name] === undefined) continue;
      v = evaluateSetting(settings[s.name], tensorName, t);
      if (v !== undefined) break;
    }
    out[s.name] = v ?? s.default;
  }
  return out;
}

/** True when a setting is one plain value (no gradient, no conditions). */
export function isScalarSetting(s: ParamSetting | undefined): s is number | boolean {
  return typeof s === 'number' || typeof s === 'boolean';
}

/** A setting as a short text: 0.5, [1, 0] (a gradient), or "self_attn: 0.5; else: 1". */
export function settingText(s: ParamSetting): string {
  if (!Array.isArray(s)) return String(s);
  if (isGradient(s)) return `[${s.join(', ')}]`;
  return (s as Condition[]).map((c) => `${c.filter && c.filter !== '*' ? c.filter : 'else'}: ${settingText(c.value)}`).join('; ');
}

/** Settings as "name=value · ..." text (as the growth panel shows parameters). */
export function settingsText(p: ParamSettings): string {
  return Object.entries(p).map(([k, v]) => `${k}=${settingText(v)}`).join(' · ') || '—';
}
