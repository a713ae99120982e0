// The pipeline cache key of our programs is the program's source: two programs that differ in
// anything tfjs compiles (code, uniform layout, atomic output, dtype) never share a pipeline,
// whatever readable name they were given. Issue 15: the fused merge reused a pipeline whose
// uniform block had other fields, silently corrupting the next merge.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type KernelProgram, pipelineKey, Program, unreadInputs } from './program';

const spec: KernelProgram = {
  key: 'same_name', inputs: ['x'], outputShape: [4], workgroup: 64, workgroups: 1,
  uniforms: [{ name: 'n', type: 'i32', value: 4 }, { name: 'scale0', type: 'f32', value: 1 }],
  code: 'fn main(index : i32) { result[index] = x[index] * uniforms.scale0; }',
};

describe('pipelineKey', () => {
  it('is the same for the same program, whatever the uniform values', () => {
    expect(pipelineKey({ ...spec, uniforms: spec.uniforms!.map((u) => ({ ...u, value: 7 })) })).toBe(pipelineKey(spec));
    expect(new Program(spec).shaderKey).toBe(pipelineKey(spec));
  });

  it('differs when the uniform layout differs under the same name and code', () => {
    const extra = { ...spec, uniforms: [...spec.uniforms!, { name: 'seed0', type: 'i32' as const, value: 1 }] };
    const reordered = { ...spec, uniforms: [...spec.uniforms!].reverse() };
    const retyped = { ...spec, uniforms: [spec.uniforms![0], { ...spec.uniforms![1], type: 'i32' as const }] };
    const keys = new Set([spec, extra, reordered, retyped].map(pipelineKey));
    expect(keys.size).toBe(4);
  });

  it('differs when the code, the atomic output or the dtype differ', () => {
    const keys = new Set([spec, { ...spec, code: spec.code.replace('*', '+') }, { ...spec, atomic: true }, { ...spec, outputDtype: 'int32' as const }].map(pipelineKey));
    expect(keys.size).toBe(4);
  });

  it('finds inputs the code never reads (WebGPU would drop their bindings)', () => {
    expect(unreadInputs(spec)).toEqual([]);
    expect(unreadInputs({ ...spec, inputs: ['x', 'm1', 'm10'], code: `${spec.code} let y = m10[0];` })).toEqual(['m1']);
  });

  it('is the only way our code builds a WebGPU program', () => {
    // Every kernel must go through runProgram (and so through pipelineKey): no other file may
    // hand tfjs a program of its own with a hand-written shaderKey.
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.tsx?$/.test(f) && !f.endsWith('.test.ts')) files.push(p);
      }
    };
    walk('src');
    // tfjsInternals.ts holds the one call into the backend's runner; only program.ts may use it.
    const offenders = files.filter((f) => !f.endsWith(join('gpu', 'kernels', 'program.ts')) && !f.endsWith(join('gpu', 'tfjsInternals.ts')) && /runWebGPUProgram|shaderKey|getUserCode/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});

describe('hoistEnables', () => {
  it("moves a program's enable directives above tfjs's header, once each, and leaves other code alone", async () => {
    const { hoistEnables } = await import('../tfjsInternals');
    const code = 'var<private> localId: vec3<u32>;\nenable subgroups;\nfn f() {}\n  enable subgroups;\nfn main() { let s = subgroupAdd(1.0); }';
    expect(hoistEnables(code)).toBe('enable subgroups;\nvar<private> localId: vec3<u32>;\n\nfn f() {}\n\nfn main() { let s = subgroupAdd(1.0); }');
    expect(hoistEnables('fn main() {}')).toBe('fn main() {}');
  });
});
