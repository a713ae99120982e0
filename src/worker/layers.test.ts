// The worker's place in the layering: gpu/ and core/ never import from worker/ (the worker imports
// them), and the training loop in core/ touches neither the worker nor the DOM, so it runs in Node.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every `from '...'` specifier of every non-test source file under dir, as "file: specifier". */
function importsUnder(dir: string): { file: string; spec: string }[] {
  const out: { file: string; spec: string }[] = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...importsUnder(p));
    else if (/\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f)) {
      for (const m of readFileSync(p, 'utf8').matchAll(/\bfrom\s+'([^']+)'/g)) out.push({ file: p, spec: m[1] });
    }
  }
  return out;
}

describe('worker layering', () => {
  it('gpu/ imports nothing from worker/ (the types both need live in gpu/types.ts)', () => {
    const offenders = importsUnder(join('src', 'gpu')).filter((i) => /(^|\/)worker\//.test(i.spec));
    expect(offenders.map((i) => `${i.file}: ${i.spec}`)).toEqual([]);
  });

  it('core/ imports nothing from worker/, gpu/, state/, storage/ or ui/', () => {
    const offenders = importsUnder(join('src', 'core')).filter((i) => /(^|\/)(worker|gpu|state|storage|ui)\//.test(i.spec));
    expect(offenders.map((i) => `${i.file}: ${i.spec}`)).toEqual([]);
  });
});
