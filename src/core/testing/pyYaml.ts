// A YAML text as Python's loaders see it, for checking exported configs against Python config
// classes (nanotronSchema.ts, mergekitSchema.ts): nanotron and mergekit read YAML with PyYAML's
// safe loader (YAML 1.1), which types a plain scalar by its implicit resolvers (PyYAML's
// resolver.py), not YAML 1.2's: `1e-8` is a str there, `1.0e-8` a float, `1` an int, `yes` a bool.
// The checker then walks a value against a PyType (dacite's strict rules: no undeclared keys, a
// float field refuses an int).
import { isMap, isScalar, isSeq, type Node, parseDocument, type Scalar } from 'yaml';
import type { PyDataclass, PyType } from './nanotronSchema';

export type PyScalarType = 'int' | 'float' | 'bool' | 'str' | 'null' | 'timestamp';
export type PyValue =
  | { t: PyScalarType; raw: string }
  | { t: 'map'; entries: Map<string, PyValue> }
  | { t: 'seq'; items: PyValue[] };

// PyYAML resolver.py, Resolver's implicit resolvers (the order they are tried does not matter: they do not overlap).
const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const FLOAT = /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const NULL = /^(?:~|null|Null|NULL|)$/;
const TIMESTAMP = /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;

/** How PyYAML's SafeLoader types a plain (unquoted) scalar. */
export function pyPlainScalarType(raw: string): PyScalarType {
  if (BOOL.test(raw)) return 'bool';
  if (FLOAT.test(raw)) return 'float';
  if (INT.test(raw)) return 'int';
  if (NULL.test(raw)) return 'null';
  if (TIMESTAMP.test(raw)) return 'timestamp';
  return 'str';
}

function toPy(node: Node | null, text: string): PyValue {
  if (node === null) return { t: 'null', raw: '' };
  if (isMap(node)) {
    const entries = new Map<string, PyValue>();
    for (const pair of node.items) {
      const key = pair.key as Scalar | null;
      if (!isScalar(key)) throw new Error('only scalar keys are expected in a config');
      entries.set(String(key.value), toPy(pair.value as Node | null, text));
    }
    return { t: 'map', entries };
  }
  if (isSeq(node)) return { t: 'seq', items: node.items.map((x) => toPy(x as Node | null, text)) };
  if (isScalar(node)) {
    const raw = node.range ? text.slice(node.range[0], node.range[1]) : String(node.value);
    if (node.type === 'PLAIN') return { t: pyPlainScalarType(raw.trim()), raw: raw.trim() };
    return { t: 'str', raw: String(node.value) };
  }
  throw new Error(`unexpected YAML node ${String(node)}`);
}

/** A YAML text as PyYAML's safe_load types it. */
export function loadPyYaml(text: string): PyValue {
  const doc = parseDocument(text, { version: '1.1' });
  if (doc.errors.length) throw new Error(doc.errors[0].message);
  return toPy(doc.contents as Node | null, text);
}

const describe = (v: PyValue) => (v.t === 'map' ? 'a mapping' : v.t === 'seq' ? 'a list' : `${v.t} ${JSON.stringify(v.raw)}`);

/** The problems of `v` against `type`, each naming its path; [] when the loader would accept it. */
export function checkPy(v: PyValue, type: PyType, at: string, classes: Record<string, PyDataclass>): string[] {
  switch (type.kind) {
    case 'int':
    case 'float':
    case 'bool':
    case 'str':
      return v.t === type.kind ? [] : [`${at}: expected ${type.kind}, got ${describe(v)}`];
    case 'path':
      return v.t === 'str' ? [] : [`${at}: expected a path (str), got ${describe(v)}`];
    case 'enum': {
      if (v.t !== 'str') return [`${at}: expected one of ${type.values.join(', ')} (${type.where}), got ${describe(v)}`];
      const value = type.caseInsensitive ? v.raw.toUpperCase() : v.raw;
      return type.values.includes(value) ? [] : [`${at}: ${JSON.stringify(v.raw)} is not one of ${type.values.join(', ')} (${type.where})`];
    }
    case 'optional':
      return v.t === 'null' ? [] : checkPy(v, type.of, at, classes);
    case 'list':
      return v.t === 'seq' ? v.items.flatMap((x, i) => checkPy(x, type.of, `${at}[${i}]`, classes)) : [`${at}: expected a list, got ${describe(v)}`];
    case 'dict':
      return v.t === 'map' ? [...v.entries].flatMap(([k, x]) => checkPy(x, type.of, `${at}.${k}`, classes)) : [`${at}: expected a mapping, got ${describe(v)}`];
    case 'union': {
      const tries = type.of.map((t) => checkPy(v, t, at, classes));
      return tries.some((p) => p.length === 0) ? [] : [`${at}: matches none of the union's members: ${tries.map((p) => p[0]).join(' | ')}`];
    }
    case 'dataclass': {
      const cls = classes[type.name];
      if (!cls) throw new Error(`the fixture has no dataclass ${type.name}`);
      if (v.t !== 'map') return [`${at}: expected ${type.name} (a mapping), got ${describe(v)}`];
      const problems: string[] = [];
      for (const [k, x] of v.entries) {
        const field = cls.fields[k];
        if (!field) problems.push(`${at}.${k}: ${type.name} (${cls.file}) has no field ${k}`);
        else problems.push(...checkPy(x, field.type, `${at}.${k}`, classes));
      }
      for (const [k, field] of Object.entries(cls.fields)) if (!field.hasDefault && !v.entries.has(k)) problems.push(`${at}.${k}: required by ${type.name} (${cls.file}) and missing`);
      return problems;
    }
    case 'any':
      return [];
    case 'unencoded':
      return v.t === 'null' ? [] : [`${at}: ${type.what} is not encoded in the fixture; encode it before exporting a value there`];
  }
}

/** A path into a loaded value: get(v, 'model', 'model_config', 'vocab_size'). */
export function pyGet(v: PyValue, ...keys: (string | number)[]): PyValue {
  let cur = v;
  for (const k of keys) {
    const next = typeof k === 'number' ? (cur.t === 'seq' ? cur.items[k] : undefined) : cur.t === 'map' ? cur.entries.get(k) : undefined;
    if (!next) throw new Error(`no ${String(k)} in ${describe(cur)}`);
    cur = next;
  }
  return cur;
}
