// Numbers written so Python's YAML loaders read them as floats. nanotron and mergekit read YAML
// with PyYAML (YAML 1.1), whose float needs a point and a signed exponent: `1e-8` is a str there
// and `1` an int, and nanotron's dacite (strict) refuses an int where a dataclass says float.
import type { ScalarTag } from 'yaml';

/** A number as YAML 1.1 reads a float: with a point, and a signed exponent (1.0, 1.0e-8, 1.5e+21). */
export function yaml11Float(x: number): string {
  const [mantissa, exponent] = String(x).split('e');
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return exponent === undefined ? m : `${m}e${/^[+-]/.test(exponent) ? exponent : `+${exponent}`}`;
}

/** A number that must be written as a float even when it is whole (a float field holding 1). */
export class PyFloat {
  constructor(readonly value: number) {}
}

const floatTag = (identify: (v: unknown) => boolean, value: (v: unknown) => number): ScalarTag => ({
  identify,
  tag: 'tag:yaml.org,2002:float',
  default: true,
  // Only for writing: parsing leaves floats to the default schema.
  test: /^$a/,
  resolve: (str) => Number(str),
  stringify: (item) => yaml11Float(value(item.value)),
});

/** For yaml's stringify `customTags`: PyFloat values written as YAML 1.1 floats. */
export const PY_FLOAT_TAG = floatTag((v) => v instanceof PyFloat, (v) => (v as PyFloat).value);
/** For yaml's stringify `customTags: (tags) => [NON_INTEGER_FLOAT_TAG, ...tags]`: every non-integer number as a YAML 1.1 float. */
export const NON_INTEGER_FLOAT_TAG = floatTag((v) => typeof v === 'number' && Number.isFinite(v) && !Number.isInteger(v), (v) => v as number);
