// Every merge method against an independent plain-loop implementation on random tensors.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mergeMethod } from './registry';
import { checkCompatible, noiseSeed, planMerge, runMerge, uniformNoise } from './merge';
import type { ParamValues } from '../params';
import { mulberry32 } from '../rng';
import { tinyConfig } from '../testing/fixtures';
import { weightSpecs } from '../model/weights';
import { referenceKernels } from '../kernels';

const N = 64;
function randomVec(seed: number, scale = 1): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: N }, () => (r() * 2 - 1) * scale);
}

const base = randomVec(1);
const experts = [2, 3, 4].map((s) => Float32Array.from(base, (b, i) => b + randomVec(s, 0.3)[i]));

function run(method: string, models: Float32Array[], perModel: ParamValues[], global: ParamValues, withBase = true, fisher?: Float32Array[]): Float32Array {
  const m = mergeMethod(method);
  return tf.tidy(() => m.mergeTensor({
    name: 't', base: withBase ? tf.tensor(base) : undefined, models: models.map((x) => tf.tensor(x)), perModel, global,
    fisher: fisher?.map((f) => tf.tensor(f)),
    noiseSeed: (i) => noiseSeed('t', i, (global.seed as number) ?? 0),
  }, referenceKernels).dataSync() as Float32Array);
}

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-6): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `entry ${i}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i])));
}

// ---- plain-loop references ----
const taus = (models: Float32Array[]) => models.map((m) => Array.from(m, (v, i) => v - base[i]));

function topMask(tau: number[], density: number): number[] {
  const k = Math.floor(density * tau.length); // mergekit: int(density · n)
  const thr = [...tau].map(Math.abs).sort((a, b) => b - a)[k - 1];
  return tau.map((v) => (Math.abs(v) >= thr ? 1 : 0));
}

function refTies(models: Float32Array[], w: number[], density: number, lambda: number, normalize: boolean, slack: number | null = null, dareSeed: number | null = null): number[] {
  const t = taus(models).map((tau, m) => {
    if (dareSeed !== null) {
      const u = uniformNoise('t', m, dareSeed, N);
      return tau.map((v, i) => (u[i] < density ? (v * w[m]) / density : 0));
    }
    const mask = topMask(tau, density);
    return tau.map((v, i) => v * mask[i] * w[m]);
  });
  return Array.from(base, (b, i) => {
    let total = 0;
    let absTotal = 0;
    for (const x of t) {
      total += x[i];
      absTotal += Math.abs(x[i]);
    }
    const sign = total >= 0 ? 1 : -1;
    const decisive = slack === null || Math.abs(total) >= slack * absTotal;
    let sum = 0;
    let div = 0;
    t.forEach((x, m) => {
      const keep = decisive ? Math.sign(x[i]) === sign : x[i] !== 0;
      if (keep) {
        sum += x[i];
        div += w[m];
      }
    });
    return b + lambda * (normalize ? sum / (div || 1) : sum);
  });
}

describe('merge methods against plain loops', () => {
  const w = [1, 0.5, 2];
  const pm = (extra: ParamValues = {}) => w.map((weight) => ({ weight, ...extra }));

  it('linear', () => {
    expectClose(run('linear', experts, pm(), { normalize: true }, false), Array.from(base, (_, i) => experts.reduce((a, e, m) => a + w[m] * e[i], 0) / 3.5));
  });
  it('task_arithmetic', () => {
    const t = taus(experts);
    expectClose(run('task_arithmetic', experts, pm(), { lambda: 0.7, normalize: false }), Array.from(base, (b, i) => b + 0.7 * t.reduce((a, x, m) => a + w[m] * x[i], 0)));
    expectClose(run('task_arithmetic', experts, pm(), { lambda: 1, normalize: true }), Array.from(base, (b, i) => b + t.reduce((a, x, m) => a + w[m] * x[i], 0) / 3.5));
  });
  it('ties', () => {
    expectClose(run('ties', experts, pm({ density: 0.5 }), { lambda: 1, normalize: true }), refTies(experts, w, 0.5, 1, true));
    expectClose(run('ties', experts, pm({ density: 0.3 }), { lambda: 0.8, normalize: false }), refTies(experts, w, 0.3, 0.8, false));
  });
  it('dare_ties and dare_linear with the 1/density rescale (studio-only option), seeded and reproducible', () => {
    const legacy = { rescale: true, density_rescale: true };
    const a = run('dare_ties', experts, pm({ density: 0.5 }), { lambda: 1, normalize: true, seed: 9, ...legacy });
    expectClose(a, refTies(experts, w, 0.5, 1, true, null, 9));
    expect(run('dare_ties', experts, pm({ density: 0.5 }), { lambda: 1, normalize: true, seed: 9, ...legacy })).toEqual(a);
    expect(run('dare_ties', experts, pm({ density: 0.5 }), { lambda: 1, normalize: true, seed: 10, ...legacy })).not.toEqual(a);
    const t = taus(experts);
    const ref = Array.from(base, (b, i) => b + t.reduce((acc, x, m) => acc + (uniformNoise('t', m, 4, N)[i] < 0.6 ? (w[m] * x[i]) / 0.6 : 0), 0));
    expectClose(run('dare_linear', experts, pm({ density: 0.6 }), { lambda: 1, normalize: false, seed: 4, ...legacy }), ref);
  });
  it('breadcrumbs keeps the magnitude band: drops the top int(gamma · n), keeps the next int(density · n)', () => {
    const t = taus(experts);
    const ref = Array.from(base, (b, i) => b + t.reduce((acc, x, m) => {
      const rank = [...x.keys()].sort((p, q) => Math.abs(x[q]) - Math.abs(x[p])).indexOf(i);
      return acc + (rank >= Math.floor(0.1 * N) && rank < Math.floor(0.1 * N) + Math.floor(0.5 * N) ? w[m] * x[i] : 0);
    }, 0) / 3.5);
    expectClose(run('breadcrumbs', experts, w.map((weight) => ({ weight, density: 0.5, gamma: 0.1 })), { lambda: 1, normalize: true }), ref);
  });
  it('model_stock', () => {
    const t = taus(experts);
    const cos = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0) / Math.sqrt(a.reduce((s, v) => s + v * v, 0) * b.reduce((s, v) => s + v * v, 0));
    const c = (cos(t[0], t[1]) + cos(t[0], t[2]) + cos(t[1], t[2])) / 3;
    const k = (3 * c) / (1 + 2 * c);
    expectClose(run('model_stock', experts, [{}, {}, {}], {}), Array.from(base, (b, i) => k * ((experts[0][i] + experts[1][i] + experts[2][i]) / 3) + (1 - k) * b), 1e-5);
  });
  it('slerp', () => {
    const [a, b] = experts;
    const na = Math.hypot(...a);
    const nb = Math.hypot(...b);
    const dot = a.reduce((s, v, i) => s + v * b[i], 0) / (na * nb);
    const th = Math.acos(dot);
    const t = 0.3;
    const ref = Array.from(a, (v, i) => (Math.sin((1 - t) * th) / Math.sin(th)) * v + (Math.sin(t * th) / Math.sin(th)) * b[i]);
    expectClose(run('slerp', [a, b], [{}, {}], { t }, false), ref, 1e-5);
  });
  it('multislerp, with and without a base', () => {
    const ref = (vs: number[][], add: Float32Array | null) => {
      const norms = vs.map((v) => Math.hypot(...v));
      const mean = Array.from(base, (_, i) => vs.reduce((s, v, m) => s + (w[m] * v[i]) / norms[m], 0) / 3.5);
      const nm = Math.hypot(...mean);
      const scale = norms.reduce((s, n, m) => s + w[m] * n, 0) / 3.5;
      return mean.map((x, i) => (x / nm) * scale + (add ? add[i] : 0));
    };
    expectClose(run('multislerp', experts, pm(), {}, false), ref(experts.map((e) => Array.from(e)), null), 1e-5);
    expectClose(run('multislerp', experts, pm(), {}, true), ref(taus(experts), base), 1e-5);
  });
  it('fisher', () => {
    const F = [5, 6, 7].map((s) => Float32Array.from(randomVec(s), Math.abs));
    const ref = Array.from(base, (_, i) => experts.reduce((s, e, m) => s + w[m] * (F[m][i] + 1e-8) * e[i], 0) / experts.reduce((s, _e, m) => s + w[m] * (F[m][i] + 1e-8), 0));
    expectClose(run('fisher', experts, pm(), { floor: 1e-8, samples: 4, sampledLabels: false }, false, F), ref, 1e-5);
  });
  it('ties_slack (ours)', () => {
    expectClose(run('ties_slack', experts, pm({ density: 0.5 }), { lambda: 1, normalize: true, slack: 0.4 }), refTies(experts, w, 0.5, 1, true, 0.4));
  });
});

describe('edge cases', () => {
  const same = [experts[0], experts[0], experts[0]];
  it('all experts equal gives the expert back', () => {
    const one = [{ weight: 1, density: 1 }, { weight: 1, density: 1 }, { weight: 1, density: 1 }];
    for (const [method, global, withBase] of [
      ['linear', { normalize: true }, false], ['task_arithmetic', { lambda: 1, normalize: true }, true], ['ties', { lambda: 1, normalize: true }, true],
      ['model_stock', {}, true], ['multislerp', {}, false], ['multislerp', {}, true], ['ties_slack', { lambda: 1, normalize: true, slack: 0.5 }, true],
    ] as const) {
      expectClose(run(method, same, method === 'model_stock' ? [{}, {}, {}] : one, global, withBase), experts[0], 1e-5);
    }
    expectClose(run('slerp', [experts[0], experts[0]], [{}, {}], { t: 0.4 }, false), experts[0], 1e-5);
  });
  it('TIES at density 1 equals task arithmetic with the same normalisation when the task vectors agree in sign', () => {
    const agreeing = [0.2, 0.7].map((s) => Float32Array.from(base, (b, i) => b + s * Math.abs(randomVec(i + 20)[i]) * (i % 2 ? 1 : -1)));
    const w2 = [{ weight: 1, density: 1 }, { weight: 0.5, density: 1 }];
    for (const normalize of [true, false]) {
      expectClose(run('ties', agreeing, w2, { lambda: 1, normalize }), run('task_arithmetic', agreeing, w2, { lambda: 1, normalize }));
    }
  });
  it('slack 0 equals TIES', () => {
    const pm = [{ weight: 1, density: 0.4 }, { weight: 2, density: 0.4 }, { weight: 1, density: 0.4 }];
    expectClose(run('ties_slack', experts, pm, { lambda: 1, normalize: true, slack: 0 }), run('ties', experts, pm, { lambda: 1, normalize: true }));
  });
});

describe('planning and running', () => {
  it('validates methods, parameters and bases with clear messages', () => {
    expect(() => planMerge({ method: 'ties', models: [{ id: 'a' }, { id: 'b' }] })).toThrow(/ties needs a base model/);
    expect(() => planMerge({ method: 'ties', base: 'z', models: [{ id: 'a', density: 1.5 }, { id: 'b' }] })).toThrow(/ties models\[0\]: density must be from 0 to 1, got 1.5/);
    expect(() => planMerge({ method: 'slerp', models: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] })).toThrow(/slerp needs exactly 2 models, got 3/);
    expect(() => planMerge({ method: 'soup', models: [] })).toThrow(/method must be one of linear, task_arithmetic, ties/);
    expect(() => planMerge({ method: 'linear', models: [{ id: 'a', weight: 1 }, { id: 'b', weight: -1 }] })).toThrow(/weights sum to 0/);
    expect(planMerge({ method: 'ties', base: 'z', models: [{ id: 'a' }, { id: 'b', weight: 0.5 }] }).models[1].params).toEqual({ weight: 0.5, density: 1 }); // mergekit's default density
  });
  it('lists the tensors that differ between experts', () => {
    expect(() => checkCompatible([{ name: 'A', config: tinyConfig() }, { name: 'B', config: tinyConfig({ intermediate_size: 32 }) }])).toThrow(/model.layers.0.mlp.gate_proj.weight is 32x16 in B but 24x16 in A/);
    expect(() => checkCompatible([{ name: 'A', config: tinyConfig() }, { name: 'B', config: tinyConfig({ tie_word_embeddings: false }) }])).toThrow(/B has lm_head.weight, A does not/);
  });
  it('refuses experts whose tokenizers differ even when the shapes agree', () => {
    const hf = (id: string) => ({ kind: 'hf' as const, id, vocabSize: 13, bos: 0, eos: 0, pad: 0, description: 'BPE, 13 ids' });
    expect(() => checkCompatible([{ name: 'A', config: tinyConfig(), tokenizer: hf('x') }, { name: 'B', config: tinyConfig(), tokenizer: hf('y') }])).toThrow(/B uses the tokenizer BPE, 13 ids and A uses BPE, 13 ids/);
    expect(() => checkCompatible([{ name: 'A', config: tinyConfig(), tokenizer: { kind: 'byte' } }, { name: 'B', config: tinyConfig(), tokenizer: hf('y') }])).toThrow(/token ids would not mean the same/);
    expect(() => checkCompatible([{ name: 'A', config: tinyConfig(), tokenizer: hf('x') }, { name: 'B', config: tinyConfig(), tokenizer: hf('x') }])).not.toThrow();
  });
  it('runs tensor by tensor with diagnostics: TIES removes every sign conflict it keeps', async () => {
    const config = tinyConfig({ num_hidden_layers: 1 });
    const specsData = new Map<string, Float32Array[]>();
    const read = (m: number) => async (name: string) => {
      if (!specsData.has(name)) {
        const r = mulberry32(name.length * 31);
        const size = weightSpecs(config).find((s) => s.name === name)!.shape.reduce((a, b) => a * b, 1);
        const b0 = Float32Array.from({ length: size }, () => r() - 0.5);
        specsData.set(name, [b0, ...[1, 2].map(() => Float32Array.from(b0, (v) => v + (r() - 0.5) * 0.1))]);
      }
      return specsData.get(name)![m];
    };
    const plan = planMerge({ method: 'ties', base: 'b', models: [{ id: 'x', density: 0.5 }, { id: 'y', density: 0.5 }] });
    const out = new Map<string, Float32Array>();
    const diags = await runMerge(plan, config, { base: read(0), models: [read(1), read(2)] }, referenceKernels, (n, _s, d) => out.set(n, d), () => undefined);
    expect(out.size).toBe(diags.length);
    for (const d of diags) {
      expect(d.disagreeBefore).toBeGreaterThan(0.2);
      expect(d.disagreeAfter).toBe(0);
      expect(d.kept).toBeGreaterThan(0.2);
      expect(d.kept).toBeLessThanOrEqual(0.5 + 1e-6);
    }
  });
});
