// A small collector for validating untrusted JSON: every check records a problem with its JSON
// path ("$.merges[0].subset[1]") instead of throwing, so a recipe is rejected with all of its
// problems listed at once. Each check returns the value when it is valid and undefined when not.
// `setting` checks a value against its schema entry (core/params.ts), in the schema's words.
import { outOfRange, rangeRule, type RefKind, type Spec } from '../params';

/** What a recipe check knows: the ids references may name, and limits bounds may name (max_position_embeddings). */
export interface CheckScope {
  ids: Partial<Record<RefKind, readonly string[]>>;
  limits: Record<string, number | undefined>;
}

const REF_WHAT: Record<RefKind, string> = { corpus: 'a corpus id', suite: 'a suite id', checkpoint: 'a checkpoint id' };

export interface Problem {
  /** JSONPath of the offending value, e.g. `$.languages[2]`. */
  path: string;
  /** What is wrong and what is allowed. */
  message: string;
}

export const at = (path: string, key: string | number): string => (typeof key === 'number' ? `${path}[${key}]` : `${path}.${key}`);

const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));

export class Checker {
  readonly problems: Problem[] = [];

  add(path: string, message: string): undefined {
    this.problems.push({ path, message });
    return undefined;
  }

  /** A problem with `v`: "is required and <rule>" when it is missing, else "<rule>; got <v>". */
  fail(path: string, v: unknown, rule: string): undefined {
    return this.add(path, v === undefined ? `is required and ${rule}` : `${rule}; got ${show(v)}`);
  }

  /**
   * A plain object whose keys are all in `allowed`. Unknown keys are problems at their own path; the known fields are still returned (and
   * only they), so they get checked too and no later check reports the unknown ones again.
   */
  object(path: string, v: unknown, allowed: readonly string[]): Record<string, unknown> | undefined {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return this.fail(path, v, `must be an object with the fields ${allowed.join(', ')}`);
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!allowed.includes(k)) this.add(at(path, k), `unknown field "${k}"; allowed here: ${allowed.join(', ')}`);
    return Object.fromEntries(Object.entries(o).filter(([k]) => allowed.includes(k)));
  }

  array(path: string, v: unknown, minLength: number, what: string): unknown[] | undefined {
    if (!Array.isArray(v)) return this.fail(path, v, `must be a list of ${what}`);
    if (v.length < minLength) return this.add(path, `must list at least ${minLength} ${what}; got ${v.length}`);
    return v;
  }

  string(path: string, v: unknown, pattern?: RegExp, patternHelp?: string): string | undefined {
    if (typeof v !== 'string' || !v.trim() || (pattern && !pattern.test(v))) return this.fail(path, v, `must be ${pattern ? patternHelp : 'a non-empty string'}`);
    return v;
  }

  oneOf<T extends string>(path: string, v: unknown, allowed: readonly T[], what: string): T | undefined {
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
    const list = allowed.length > 12 ? `${allowed.slice(0, 12).join(', ')}, ... (${allowed.length} in all)` : allowed.join(', ');
    return v === undefined ? this.fail(path, v, `must be ${what}; allowed: ${list || 'none available'}`) : this.add(path, `${show(v)} is not ${what}; allowed: ${list || 'none available'}`);
  }

  boolean(path: string, v: unknown): boolean | undefined {
    if (typeof v !== 'boolean') return this.fail(path, v, 'must be true or false');
    return v;
  }

  /**
   * A value checked against its schema entry, its default filled when it is left out: numbers
   * against their bounds (named bounds from `scope.limits`, unchecked when unknown), enums and
   * references against their values and the ids the studio holds.
   */
  setting<T = unknown>(path: string, spec: Spec, v: unknown, scope: CheckScope): T | undefined {
    // Only a missing value takes the default: a JSON null is a value, reported as one ("got null").
    const value = v === undefined ? spec.default : v;
    switch (spec.kind) {
      case 'int':
      case 'number':
        return (outOfRange(spec, value, scope.limits) ? this.fail(path, value, `must be ${rangeRule(spec, scope.limits)}`) : value) as T | undefined;
      case 'enum':
        return this.oneOf(path, value, spec.values, `a ${spec.label}`) as T | undefined;
      case 'ref':
        return this.oneOf(path, value, scope.ids[spec.ref] ?? [], REF_WHAT[spec.ref]) as T | undefined;
      case 'boolean':
        return this.boolean(path, value) as T | undefined;
      case 'string':
        return this.string(path, value) as T | undefined;
      default:
        throw new Error(`${spec.name}: a recipe checks no ${spec.kind} settings yet`);
    }
  }

  /**
   * Every setting of a section: the values by name (undefined where a problem was recorded).
   * A bound may name an earlier setting of the section (microBatch divides batchSize), as in
   * validateSettings; an earlier invalid one leaves that bound unchecked.
   */
  settings(path: string, specs: readonly Spec[], o: Record<string, unknown>, scope: CheckScope): Record<string, unknown> {
    const limits = { ...scope.limits };
    return Object.fromEntries(specs.map((s) => {
      const v = this.setting(at(path, s.name), s, o[s.name], { ...scope, limits });
      if (typeof v === 'number') limits[s.name] = v;
      return [s.name, v];
    }));
  }

  /** Runs a validator that throws (the core's validateConfig, validateParams) and records its message. */
  attempt<T>(path: string, f: () => T): T | undefined {
    try {
      return f();
    } catch (e) {
      return this.add(path, (e as Error).message);
    }
  }
}
