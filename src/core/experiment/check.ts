// A small collector for validating untrusted JSON: every check records a problem with its JSON
// path ("$.merges[0].subset[1]") instead of throwing, so a recipe is rejected with all of its
// problems listed at once. Each check returns the value when it is valid and undefined when not.

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

  int(path: string, v: unknown, min: number, max: number): number | undefined {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) return this.fail(path, v, `must be an integer from ${min} to ${max}`);
    return v;
  }

  /** A finite number in [min, max], or (min, max] when minExclusive. */
  number(path: string, v: unknown, min: number, max: number, minExclusive = false): number | undefined {
    const low = minExclusive ? v as number <= min : v as number < min;
    if (typeof v !== 'number' || !Number.isFinite(v) || low || v > max) {
      return this.fail(path, v, `must be a number ${minExclusive ? 'above' : 'from'} ${min} ${minExclusive ? 'and at most' : 'to'} ${max}`);
    }
    return v;
  }

  boolean(path: string, v: unknown): boolean | undefined {
    if (typeof v !== 'boolean') return this.fail(path, v, 'must be true or false');
    return v;
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
