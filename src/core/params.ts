// The studio's one schema language. Every setting (a method's parameter, a training or
// adaptation setting, a recipe field) is declared once as a spec: its kind, default, bounds and
// help. From the specs follow the TypeScript types (SettingsOf), the validation (validateSettings
// for the API, which throws; checkSpec in experiment/check.ts, which lists problems), the forms
// (ParamForm, SpecFields) and the recipe documentation (describeSpec). Bounds may depend on the
// context (a model's max_position_embeddings) or on an earlier setting (warmupSteps ≤ steps), so
// a limit is written once and every stage checks the same one.

interface SpecCommon {
  name: string;
  label: string;
  help: string;
  /** mergekit refuses a config without it (merging's `weight`); the studio's API fills the default. */
  mergekitRequired?: boolean;
  /** false: the studio's own parameter, which mergekit does not declare: mergekitYaml leaves it out (saying so when it is not the default). */
  mergekit?: false;
  /** false: settable through the API only, not shown in the generated form. */
  form?: false;
}

/**
 * A bound: a number, or a name looked up when validating, first among the settings already
 * checked (`steps` for warmupSteps), then in the context's limits (`max_position_embeddings`).
 * An unknown name leaves the value unbounded on that side; `label` names it in messages and docs.
 */
export type Bound = number | { ref: string; label: string };

/** What a reference names; the context lists the ids the studio holds. */
export type RefKind = 'corpus' | 'suite' | 'checkpoint';

const REFS: Record<RefKind, { one: string; list: string; see: string }> = {
  corpus: { one: 'a known corpus', list: 'corpus ids', see: 'studio.corpora()' },
  suite: { one: 'a known suite', list: 'suite ids', see: 'studio.suites()' },
  checkpoint: { one: 'a checkpoint', list: 'checkpoint ids', see: 'studio.checkpoints.list()' },
};

/** A method's parameter: a number or a flag with fixed bounds and a default (merging, growth). */
export type ParamSpec = SpecCommon & (
  | { kind: 'int'; default: number; min: number; max?: number }
  | { kind: 'number'; default: number; min?: number; max?: number }
  | { kind: 'boolean'; default: boolean });

/** Any setting; one without a default is required. */
export type Spec = SpecCommon & (
  /** formDefault: the form's starting value where it differs from the API default; null starts empty. */
  /** divides: the value, unless 0, must divide this one (microBatch of batchSize). */
  | { kind: 'int'; default?: number; min: Bound; max?: Bound; divides?: Bound; formDefault?: number | null }
  | { kind: 'number'; default?: number; min?: Bound; max?: Bound; minExclusive?: boolean; maxExclusive?: boolean; formDefault?: number | null }
  | { kind: 'boolean'; default: boolean }
  | { kind: 'enum'; values: readonly string[]; default?: string }
  | { kind: 'string'; default?: string }
  /** One id of a corpus, suite or checkpoint. */
  | { kind: 'ref'; ref: RefKind; default?: string; formDefault?: string }
  /** A list of ids. */
  | { kind: 'refs'; ref: RefKind; default?: readonly string[]; formDefault?: readonly string[] }
  /** A non-empty data mix: a list of {corpus, weight}, weight positive, default 1. */
  | { kind: 'mix'; default?: readonly MixEntry[]; formDefault?: readonly MixEntry[] });

export interface MixEntry {
  corpus: string;
  weight: number;
}

/** The value a spec validates to. */
export type ValueOf<S> = S extends { kind: 'int' | 'number' } ? number
  : S extends { kind: 'boolean' } ? boolean
  : S extends { kind: 'enum'; values: readonly (infer V)[] } ? V
  : S extends { kind: 'refs' } ? string[]
  : S extends { kind: 'mix' } ? MixEntry[]
  : string;

/** The settings object a list of specs validates to: one typed field per spec. */
export type SettingsOf<T extends readonly Spec[]> = { [S in T[number] as S['name']]: ValueOf<S> };

export type ParamValues = Record<string, number | boolean>;

/** What the studio holds when validating: the ids references may name and the limits bounds may name. */
export interface SchemaContext {
  ids?: Partial<Record<RefKind, readonly string[]>>;
  limits?: Record<string, number | undefined>;
}

/** The spec named `name` in `specs`; throws when there is none (a typo in a schema's own code). */
export function specOf<T extends readonly Spec[], N extends T[number]['name']>(specs: T, name: N): Extract<T[number], { name: N }> {
  const s = specs.find((x) => x.name === name);
  if (!s) throw new Error(`no setting ${name}; the schema has ${specs.map((x) => x.name).join(', ')}`);
  return s as Extract<T[number], { name: N }>;
}

/**
 * A spec built on another one (the recipe's seqLen on training's): new label, help or defaults,
 * and bounds only as tight or tighter, so nothing the derived spec accepts is refused by the
 * stage the base belongs to. Throws at module load when a bound would widen.
 */
export function narrowed<S extends Spec, const C extends { [K in keyof S]?: unknown }>(base: S, change: C): Omit<S, keyof C> & C {
  const out = { ...base, ...change } as Omit<S, keyof C> & C;
  if ((out.kind === 'int' || out.kind === 'number') && (base.kind === 'int' || base.kind === 'number')) {
    const b = base as { min?: Bound; max?: Bound };
    const o = out as { min?: Bound; max?: Bound };
    const wider = (from: Bound | undefined, to: Bound | undefined, lower: boolean) =>
      from !== undefined && (to === undefined || (typeof from === 'number' ? typeof to === 'number' && (lower ? to < from : to > from) : typeof to === 'number' || to.ref !== from.ref));
    if (wider(b.min, o.min, true) || wider(b.max, o.max, false)) throw new Error(`${base.name}: a derived spec may only narrow the bounds ${JSON.stringify([b.min, b.max])}, got ${JSON.stringify([o.min, o.max])}`);
  }
  return out;
}

/** Settings already validated and the context's limits, where named bounds are looked up. */
type Scope = Record<string, unknown>;

function resolve(b: Bound | undefined, scope: Scope): number | undefined {
  if (b === undefined || typeof b === 'number') return b;
  const v = scope[b.ref];
  return typeof v === 'number' ? v : undefined;
}

type NumSpec = Extract<Spec, { kind: 'int' | 'number' }>;

/** The spec's bounds, resolved where the scope knows them, else their labels. */
function bounds(s: NumSpec, scope: Scope | undefined): { min?: number | string; max?: number | string } {
  const one = (b: Bound | undefined) => (b === undefined || typeof b === 'number' ? b : (scope && resolve(b, scope)) ?? b.label);
  return { min: one(s.min), max: one(s.max) };
}

/** An int spec's divisibility rule in words (" that is 0 or divides batch size (8)"); empty when it has none. */
function divisorRule(s: NumSpec, scope: Scope | undefined): string {
  if (s.kind !== 'int' || s.divides === undefined) return '';
  const d = s.divides;
  if (typeof d === 'number') return ` that is 0 or divides ${d}`;
  const v = scope && resolve(d, scope);
  return ` that is 0 or divides ${d.label}${v === undefined ? '' : ` (${v})`}`;
}

const exclusive = (s: NumSpec) => (s.kind === 'number' ? { lo: !!s.minExclusive, hi: !!s.maxExclusive } : { lo: false, hi: false });

/**
 * The rule a number must satisfy, in words ("an integer from 2 to 64", "a number above 0 and
 * at most 1"): recipe problems and the recipe documentation.
 */
export function rangeRule(s: NumSpec, scope?: Scope): string {
  const { min, max } = bounds(s, scope);
  const { lo, hi } = exclusive(s);
  const what = s.kind === 'int' ? 'an integer' : 'a number';
  return rangeWords(what, min, max, lo, hi) + divisorRule(s, scope);
}

/** The bounds part of rangeRule. */
function rangeWords(what: string, min: number | string | undefined, max: number | string | undefined, lo: boolean, hi: boolean): string {
  if (min !== undefined && max !== undefined) return lo || hi ? `${what} ${lo ? 'above' : 'from'} ${min} and ${hi ? 'below' : 'at most'} ${max}` : `${what} from ${min} to ${max}`;
  if (min !== undefined) return `${what} ${lo ? 'above' : 'of at least'} ${min}`;
  if (max !== undefined) return `${what} ${hi ? 'below' : 'of at most'} ${max}`;
  return what;
}

/** The same rule as the API has always said it ("an integer from 2 to 64", "a number > 0 and <= 1"). */
function apiRangeRule(s: NumSpec, scope: Scope): string {
  const { min, max } = bounds(s, scope);
  const { lo, hi } = exclusive(s);
  if (s.kind === 'int') return `an integer from ${min}${max === undefined ? ' up' : ` to ${max}`}${divisorRule(s, scope)}`;
  const parts = [min === undefined ? '' : `${lo ? '>' : '>='} ${min}`, max === undefined ? '' : `${hi ? '<' : '<='} ${max}`].filter(Boolean);
  return `a number${parts.length ? ` ${parts.join(' and ')}` : ''}`;
}

/** Whether a number breaks the spec's type or bounds (bounds the scope cannot resolve are not checked). */
export function outOfRange(s: NumSpec, v: unknown, scope: Scope): boolean {
  if (typeof v !== 'number' || !Number.isFinite(v) || (s.kind === 'int' && !Number.isInteger(v))) return true;
  const min = resolve(s.min, scope);
  const max = resolve(s.max, scope);
  const { lo, hi } = exclusive(s);
  const divided = s.kind === 'int' ? resolve(s.divides, scope) : undefined;
  return (min !== undefined && (lo ? v <= min : v < min)) || (max !== undefined && (hi ? v >= max : v > max)) || (divided !== undefined && v !== 0 && divided % v !== 0);
}

const list = (ids: readonly string[], n = 12) => `${ids.slice(0, n).join(', ')}${ids.length > n ? ', ...' : ''}`;

/** One line of documentation for a spec: its type and rule, and its default. */
export function describeSpec(s: Spec): { rule: string; default: string } {
  const def = s.default === undefined ? 'required' : JSON.stringify(s.default);
  switch (s.kind) {
    case 'int':
    case 'number':
      return { rule: rangeRule(s), default: def };
    case 'boolean':
      return { rule: 'true or false', default: def };
    case 'enum':
      return { rule: `one of ${s.values.map((v) => `"${v}"`).join(', ')}`, default: def };
    case 'string':
      return { rule: 'a string', default: def };
    case 'ref':
      return { rule: `the id of ${REFS[s.ref].one} (${REFS[s.ref].see})`, default: def };
    case 'refs':
      return { rule: `a list of ${REFS[s.ref].list} (${REFS[s.ref].see})`, default: def };
    case 'mix':
      return { rule: 'a non-empty list of {corpus, weight} (weight positive, default 1)', default: def };
  }
}

/** The ids of `ref` the context holds; undefined when it lists none (then any non-empty id passes). */
const idsOf = (ctx: SchemaContext, ref: RefKind) => ctx.ids?.[ref];

/**
 * Checks one value against its spec for the API and returns it; throws a message that names the
 * setting (or `path`, for an entry of a list) and what is allowed. `scope` holds the settings
 * checked so far and the context's limits.
 */
export function checkSetting(s: Spec, v: unknown, ctx: SchemaContext, scope: Scope = { ...ctx.limits }, path: string = s.name): unknown {
  switch (s.kind) {
    case 'int':
    case 'number':
      if (outOfRange(s, v, scope)) throw new Error(`${path} must be ${apiRangeRule(s, scope)}, got ${JSON.stringify(v)}`);
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') throw new Error(`${path} must be true or false, got ${JSON.stringify(v)}`);
      return v;
    case 'enum':
      if (typeof v !== 'string' || !s.values.includes(v)) throw new Error(`${path} must be one of ${s.values.join(', ')}, got ${JSON.stringify(v)}`);
      return v;
    case 'string':
      if (typeof v !== 'string') throw new Error(`${path} must be a string`);
      return v;
    case 'ref': {
      const ids = idsOf(ctx, s.ref);
      const r = REFS[s.ref];
      if (typeof v !== 'string' || !v) throw new Error(`${path} must be the id of ${r.one}; see ${r.see}`);
      if (ids && !ids.includes(v)) throw new Error(`${path} ${JSON.stringify(v)} is not ${r.one}; see ${r.see}`);
      return v;
    }
    case 'refs': {
      const ids = idsOf(ctx, s.ref) ?? [];
      const r = REFS[s.ref];
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !ids.includes(x))) {
        throw new Error(`${path} must be a list of ${r.list}; unknown: ${JSON.stringify((Array.isArray(v) ? v : [v]).filter((x) => !ids.includes(x as string)))} (see ${r.see})`);
      }
      return v;
    }
    case 'mix': {
      const ids = idsOf(ctx, 'corpus') ?? [];
      if (!Array.isArray(v) || v.length === 0) throw new Error(`${path} must be a non-empty list of {corpus, weight}; corpora: ${list(ids)}`);
      return v.map((d: unknown, i: number) => {
        const e = d as Partial<MixEntry> | null;
        if (!e || typeof e.corpus !== 'string' || !ids.includes(e.corpus)) throw new Error(`${path}[${i}].corpus ${JSON.stringify(e?.corpus)} is not a known corpus; see studio.corpora()`);
        const weight = e.weight ?? 1;
        if (typeof weight !== 'number' || !(weight > 0) || !Number.isFinite(weight)) throw new Error(`${path}[${i}].weight must be a positive number, got ${JSON.stringify(e.weight)}`);
        return { corpus: e.corpus, weight };
      });
    }
  }
}

/**
 * Validates an options object against a schema for the API: unknown keys are refused (`noun`
 * names them: "train option"), defaults fill what is left out, every value is checked in the
 * schema's order (so a bound may name an earlier setting). Throws at the first problem.
 */
export function validateSettings<T extends readonly Spec[]>(specs: T, input: unknown, ctx: SchemaContext, noun: string): SettingsOf<T> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error(`${noun}s must be an object`);
  const given = input as Record<string, unknown>;
  const allowed = specs.map((s) => s.name);
  const unknown = Object.keys(given).filter((k) => !allowed.includes(k));
  if (unknown.length) throw new Error(`unknown ${noun}(s) ${unknown.join(', ')}; allowed: ${allowed.join(', ')}`);
  const scope: Scope = { ...ctx.limits };
  const out: Record<string, unknown> = {};
  for (const s of specs) {
    const v = given[s.name] ?? s.default;
    scope[s.name] = out[s.name] = checkSetting(s, Array.isArray(v) ? [...v] : v, ctx, scope);
  }
  return out as SettingsOf<T>;
}

/** Checks one method parameter; `where` prefixes the message (e.g. "hyperclone: factor must be from 2 to 8, got 1"). */
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

/** Fills defaults and checks types and static ranges of method parameters; `where` prefixes messages (e.g. "hyperclone"). */
export function validateParams(specs: ParamSpec[], raw: Record<string, unknown>, where: string): ParamValues {
  const known = new Set(specs.map((s) => s.name));
  const unknown = Object.keys(raw).filter((k) => !known.has(k) && raw[k] !== undefined);
  if (unknown.length) throw new Error(`${where}: unknown parameter(s) ${unknown.join(', ')}; allowed: ${[...known].join(', ') || 'none'}`);
  return Object.fromEntries(specs.map((s) => [s.name, checkParam(s, raw[s.name] ?? s.default, where)]));
}

/**
 * Every problem of a form's values at once, by setting name, for validation as the user types:
 * the same checks the API runs (a number's message without its label, which the field shows
 * above it; other kinds in checkSetting's words), in the schema's order, so a bound that names an earlier
 * setting (warmupSteps ≤ steps) or the context (seqLen ≤ max_position_embeddings) reads the same
 * message. A setting left out (undefined) is skipped when it has a default, the API filling it;
 * an earlier invalid setting leaves later bounds that name it unchecked rather than wrong.
 */
export function settingErrors(specs: readonly Spec[], values: Record<string, unknown>, ctx: SchemaContext): Record<string, string> {
  const scope: Scope = { ...ctx.limits };
  const errors: Record<string, string> = {};
  for (const s of specs) {
    const v = values[s.name];
    if (v === undefined && s.default !== undefined) {
      scope[s.name] = s.default;
      continue;
    }
    if (v === undefined) continue;
    if ((s.kind === 'int' || s.kind === 'number') && outOfRange(s, v, scope)) {
      errors[s.name] = numberProblem(s, v, scope);
      continue;
    }
    try {
      scope[s.name] = checkSetting(s, v, ctx, scope, s.label);
    } catch (e) {
      errors[s.name] = (e as Error).message;
    }
  }
  return errors;
}

/**
 * A form's message for a number out of its rule, shown under the field its label names, so the
 * message starts at "must"; a limit that comes from elsewhere is named ("must be an integer from
 * 2 to 32 (the model's max_position_embeddings)").
 */
function numberProblem(s: NumSpec, v: unknown, scope: Scope): string {
  if (typeof v !== 'number' || Number.isNaN(v)) return `type ${rangeRule(s, scope)}`;
  // A limit the divisor rule already names ("divides batch size (8)") is not named twice.
  const divides = s.kind === 'int' && typeof s.divides === 'object' ? s.divides.label : undefined;
  const named = [s.min, s.max].flatMap((b) => (typeof b === 'object' && b.label !== divides && resolve(b, scope) !== undefined ? [b.label] : []));
  return `must be ${rangeRule(s, scope)}${named.length ? ` (${named.join(' and ')})` : ''}`;
}

/** The problem of each method parameter's value, by name, in the words settingErrors uses for a form. */
export function paramErrors(specs: readonly ParamSpec[], values: Record<string, unknown>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const s of specs) {
    const v = values[s.name];
    if (s.kind === 'boolean') {
      if (typeof v !== 'boolean') errors[s.name] = 'must be true or false';
    } else if (outOfRange(s, v, {})) {
      errors[s.name] = numberProblem(s, v, {});
    }
  }
  return errors;
}
