// The generalized task-arithmetic family against a plain-loop port of mergekit's semantics,
// written here from mergekit's merge_methods/registry.py (per-method defaults),
// generalized_task_arithmetic.py (weights, sign consensus, normalize, lambda), sparsify.py (keep
// counts, rescale, DELLA's rank probabilities) and config.py / plan.py (gradients over layers).
// No tfjs in the port: for loops over Float64 numbers. Random masks cannot equal torch's RNG, so
// the port takes the studio's noise (uniformNoise) as the Bernoulli draws and checks the rest.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mergeMethod } from './registry';
import { noiseSeed, planMerge, runMerge, tensorParams, uniformNoise } from './merge';
import { mulberry32 } from '../rng';
import { tinyConfig } from '../testing/fixtures';
import { weightSpecs } from '../model/weights';
import { dtypeUlp, roundToBfloat16 } from './dtype';
import { roundToFloat16 } from '../numeric/float16';
import { referenceKernels } from '../kernels';

// ---- the port ----
type Sp = null | 'magnitude' | 'random' | 'magnitude_outliers' | 'della_magprune';
// registry.py, method by method: consensus, sparsification, default_normalize, default_rescale.
const REGISTRY: Record<string, { consensus: boolean; sp: Sp; normalize: boolean; rescale: boolean }> = {
  task_arithmetic: { consensus: false, sp: null, normalize: false, rescale: false },
  ties: { consensus: true, sp: 'magnitude', normalize: true, rescale: false },
  dare_ties: { consensus: true, sp: 'random', normalize: false, rescale: true },
  dare_linear: { consensus: false, sp: 'random', normalize: false, rescale: true },
  breadcrumbs: { consensus: false, sp: 'magnitude_outliers', normalize: false, rescale: false },
  breadcrumbs_ties: { consensus: true, sp: 'magnitude_outliers', normalize: false, rescale: false },
  della: { consensus: true, sp: 'della_magprune', normalize: true, rescale: true },
  della_linear: { consensus: false, sp: 'della_magprune', normalize: false, rescale: true },
};

interface PortModel { weight: number; density?: number; gamma?: number; epsilon?: number }
interface PortGlobal { normalize?: boolean; rescale?: boolean; lambda?: number }

/** Indices sorted by |x| ascending; equal magnitudes by index descending, so the reverse is (|x| desc, index asc). */
function argsortAscending(x: number[]): number[] {
  return x.map((_, i) => i).sort((a, b) => Math.abs(x[a]) - Math.abs(x[b]) || b - a);
}

function portSparsify(sp: Sp, tau: number[], rows: number, p: Required<PortModel>, rescale: boolean, noise: Float32Array): number[] {
  const n = tau.length;
  if (sp === null || p.density >= 1) return tau;
  let mask = new Array<number>(n).fill(0);
  if (sp === 'magnitude') {
    const k = Math.trunc(p.density * n);
    if (k <= 0) throw new Error('not gonna zero out the whole tensor buddy');
    for (const i of argsortAscending(tau).reverse().slice(0, k)) mask[i] = 1;
  } else if (sp === 'magnitude_outliers') {
    const target = Math.trunc(p.density * n);
    let nTop = Math.trunc(p.gamma * n);
    let nBot = n - target - nTop;
    if (nBot < 0) {
      nTop += nBot;
      nBot = 0;
    }
    const sorted = argsortAscending(tau);
    // Python's indices[n_bot:-n_top]: with n_top = 0 the end is 0, an empty slice.
    for (const i of sorted.slice(nBot, nTop === 0 ? 0 : n - nTop)) mask[i] = 1;
  } else if (sp === 'random') {
    mask = tau.map((_, i) => (noise[i] < p.density ? 1 : 0));
  } else {
    const cols = n / rows;
    for (let r = 0; r < rows; r++) {
      const row = tau.slice(r * cols, (r + 1) * cols);
      const order = argsortAscending(row);
      order.forEach((j, pos) => {
        const rankNorm = pos / (cols - 1); // (rank − min rank) / (max rank − min rank), ranks 1..cols
        const prob = p.density - p.epsilon + rankNorm * 2 * p.epsilon;
        mask[r * cols + j] = noise[r * cols + j] < prob ? 1 : 0;
      });
    }
  }
  const masked = tau.map((v, i) => v * mask[i]);
  if (!rescale) return masked;
  const before = tau.reduce((a, v) => a + Math.abs(v), 0);
  const after = masked.reduce((a, v) => a + Math.abs(v), 0);
  if (before < 1e-7 || after < 1e-7) return masked;
  return masked.map((v) => (v * before) / after);
}

function portGta(method: string, base: Float32Array, models: Float32Array[], rows: number, per: PortModel[], g: PortGlobal, noise: Float32Array[]): number[] {
  const r = REGISTRY[method];
  const normalize = g.normalize ?? r.normalize;
  const rescale = g.rescale ?? r.rescale;
  const lambda = g.lambda ?? 1;
  const deltas = models.map((m, t) => {
    const p = { density: 1, gamma: 0.01, epsilon: 0.15, ...per[t] };
    const tau = Array.from(m, (v, i) => v - base[i]);
    return portSparsify(r.sp, tau, rows, p, rescale, noise[t]).map((v) => v * p.weight);
  });
  return Array.from(base, (b, i) => {
    let mixed = 0;
    let divisor = 0;
    if (r.consensus) {
      const majority = deltas.reduce((a, d) => a + d[i], 0) >= 0 ? 1 : -1;
      deltas.forEach((d, t) => {
        if (Math.sign(d[i]) === majority) {
          mixed += d[i];
          divisor += per[t].weight;
        }
      });
      if (divisor === 0) divisor = 1;
    } else {
      for (const d of deltas) mixed += d[i];
      divisor = per.reduce((a, p) => a + p.weight, 0);
      if (Math.abs(divisor) < 1e-8) divisor = 1;
    }
    if (normalize) mixed /= divisor;
    return b + mixed * lambda;
  });
}

// ---- the studio side ----
const ROWS = 8;
const COLS = 12;
const N = ROWS * COLS; // 96: int(0.3 · 96) = 28 where ceil gives 29
function vec(seed: number, scale = 1): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: N }, () => (r() * 2 - 1) * scale);
}
const base = vec(1);
const experts = [2, 3, 4].map((s) => Float32Array.from(base, (b, i) => b + vec(s, 0.3)[i]));
const SEED = 5;
const noise = experts.map((_, t) => uniformNoise('t', t, SEED, N));

function studio(method: string, per: Record<string, unknown>[], params: Record<string, unknown>): Float32Array {
  const plan = planMerge({ method, base: 'b', models: per.map((p, i) => ({ id: `m${i}`, ...p })), params: { ...params, ...(mergeMethod(method).globalParams.some((s) => s.name === 'seed') ? { seed: SEED } : {}) } });
  const { perModel, global } = tensorParams(plan, 't', 0);
  return tf.tidy(() => plan.method.mergeTensor({
    name: 't', base: tf.tensor(base, [ROWS, COLS]), models: experts.map((e) => tf.tensor(e, [ROWS, COLS])), perModel, global,
    noiseSeed: (i) => noiseSeed('t', i, SEED),
  }, referenceKernels).dataSync() as Float32Array);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const W = [1, 0.5, 2];
const METHODS = ['task_arithmetic', 'ties', 'dare_ties', 'dare_linear', 'breadcrumbs', 'breadcrumbs_ties', 'della', 'della_linear'];
// Explicit settings per method, chosen so every rule is exercised (keep counts where int and
// ceil differ, outliers dropped, rescale both ways).
const EXPLICIT: Record<string, { per: PortModel[]; g: PortGlobal }> = {
  task_arithmetic: { per: W.map((weight) => ({ weight })), g: { normalize: true, lambda: 0.7 } },
  ties: { per: W.map((weight, i) => ({ weight, density: [0.3, 0.5, 0.7][i] })), g: { normalize: false, lambda: 0.8, rescale: true } },
  dare_ties: { per: W.map((weight) => ({ weight, density: 0.4 })), g: { normalize: true, rescale: true } },
  dare_linear: { per: W.map((weight) => ({ weight, density: 0.6 })), g: { rescale: false, lambda: 1.2 } },
  breadcrumbs: { per: W.map((weight) => ({ weight, density: 0.5, gamma: 0.1 })), g: { normalize: true } },
  breadcrumbs_ties: { per: W.map((weight, i) => ({ weight, density: 0.8, gamma: [0.3, 0.05, 0.1][i] })), g: { normalize: true } },
  della: { per: W.map((weight) => ({ weight, density: 0.5, epsilon: 0.2 })), g: { normalize: false } },
  della_linear: { per: W.map((weight) => ({ weight, density: 0.4, epsilon: 0.1 })), g: { normalize: true, rescale: false } },
};

describe('generalized task arithmetic equals the mergekit port to 1e-6', () => {
  for (const method of METHODS) {
    it(`${method}, explicit parameters`, () => {
      const { per, g } = EXPLICIT[method];
      const ours = studio(method, per as unknown as Record<string, unknown>[], g as Record<string, unknown>);
      expect(maxDiff(ours, portGta(method, base, experts, ROWS, per, g, noise))).toBeLessThan(1e-6);
    });
    it(`${method}, every parameter but the weights and densities omitted (mergekit's defaults)`, () => {
      const per = W.map((weight) => ({ weight, ...(method === 'task_arithmetic' ? {} : { density: 0.5 }) }));
      expect(maxDiff(studio(method, per, {}), portGta(method, base, experts, ROWS, per, {}, noise))).toBeLessThan(1e-6);
    });
    it(`${method}, density omitted too: 1.0, no sparsification`, () => {
      const per = W.map((weight) => ({ weight }));
      const ours = studio(method, per, {});
      expect(maxDiff(ours, portGta(method, base, experts, ROWS, per, {}, noise))).toBeLessThan(1e-6);
    });
  }
  it('ties_slack (ours) at slack 0 is TIES, defaults included', () => {
    const per = W.map((weight) => ({ weight, density: 0.3 }));
    expect(maxDiff(studio('ties_slack', per, { slack: 0 }), portGta('ties', base, experts, ROWS, per, {}, noise))).toBeLessThan(1e-6);
  });
  it('DARE with the studio-only density_rescale multiplies by 1/density (mergekit before 2025-02)', () => {
    const per = W.map((weight) => ({ weight, density: 0.4 }));
    const ours = studio('dare_linear', per, { density_rescale: true });
    const port = Array.from(base, (b, i) => b + experts.reduce((a, e, t) => a + (noise[t][i] < 0.4 ? ((e[i] - b) / 0.4) * W[t] : 0), 0));
    expect(maxDiff(ours, port)).toBeLessThan(1e-6);
    expect(maxDiff(ours, studio('dare_linear', per, {}))).toBeGreaterThan(1e-3); // the L1 rule differs
  });
});

describe('keep counts and ties at the threshold', () => {
  it('magnitude keeps int(density · n); the old ceil kept one more', () => {
    const tau = Float32Array.from({ length: 10 }, (_, i) => (i + 1) / 10); // distinct magnitudes
    const plan = planMerge({ method: 'ties', base: 'b', models: [{ id: 'a', density: 0.25 }, { id: 'c', density: 0.25 }] });
    const kept = tf.tidy(() => {
      let mask: tf.Tensor | undefined;
      const { perModel, global } = tensorParams(plan, 't', 0);
      plan.method.mergeTensor({ name: 't', base: tf.zeros([10]), models: [tf.tensor(tau), tf.tensor(tau)], perModel, global, noiseSeed: () => 0, reportKept: (m) => void (mask = tf.keep(m)) }, referenceKernels);
      return mask!;
    });
    const m = kept.dataSync();
    kept.dispose();
    expect(Array.from(m.slice(0, 10))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1]); // int(2.5) = 2
  });
  it('ties at the threshold: exactly int(density · n) survive, the lower indices first', () => {
    const tau = [0.5, -0.2, 0.2, 0.2, -0.2, 0.1];
    const plan = planMerge({ method: 'ties', base: 'b', models: [{ id: 'a', density: 0.5 }, { id: 'c', density: 0.5 }] });
    const { perModel, global } = tensorParams(plan, 't', 0);
    const out = tf.tidy(() => plan.method.mergeTensor({ name: 't', base: tf.zeros([6]), models: [tf.tensor(tau), tf.tensor(tau)], perModel, global, noiseSeed: () => 0 }, referenceKernels).dataSync());
    expect(Array.from(out).map((v) => Math.round(v * 10) / 10)).toEqual([0.5, -0.2, 0.2, 0, 0, 0]);
  });
  it('magnitude refuses a density that keeps nothing, as mergekit does', () => {
    expect(() => studio('ties', W.map((weight) => ({ weight, density: 0.005 })), {})).toThrow(/t: density 0.005 keeps int\(0.005 · 96\) = 0 of its 96 entries; mergekit refuses/);
  });
  it('breadcrumbs with int(gamma · n) = 0 keeps nothing of the tensor (mergekit\'s indices[n_bot:-0])', () => {
    const per = W.map((weight) => ({ weight, density: 0.5, gamma: 0.005 }));
    const ours = studio('breadcrumbs', per, {});
    expect(maxDiff(ours, base)).toBe(0);
    expect(maxDiff(ours, portGta('breadcrumbs', base, experts, ROWS, per, {}, noise))).toBe(0);
  });
  it('della refuses density ± epsilon outside (0, 1) at planning', () => {
    expect(() => planMerge({ method: 'della', base: 'b', models: [{ id: 'a', density: 0.1 }, { id: 'c' }] })).toThrow(/della models\[0\]: epsilon 0.15 with density 0.1 puts a keep probability outside \(0, 1\)/);
  });
});

describe('gradients over layers and parameters given globally, through runMerge', () => {
  const config = tinyConfig(); // 2 layers: t = 0 and 1
  const specs = weightSpecs(config);
  const data = new Map<string, Float32Array[]>();
  for (const [k, s] of specs.entries()) {
    const size = s.shape.reduce((a, b) => a * b, 1);
    const r = mulberry32(100 + k);
    const b = Float32Array.from({ length: size }, () => r() - 0.5);
    data.set(s.name, [b, ...[0, 1].map(() => Float32Array.from(b, (v) => v + (r() - 0.5) * 0.2))]);
  }
  const reader = (m: number) => async (name: string) => data.get(name)![m];
  async function merged(req: Parameters<typeof planMerge>[0]): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    await runMerge(planMerge(req), config, { base: reader(0), models: [reader(1), reader(2)] }, referenceKernels, (n, _s, d) => out.set(n, d), () => undefined);
    return out;
  }
  it('weight: [1, 0] interpolates over the layers; embeddings and norm take the first value; global weight applies to every model', async () => {
    const out = await merged({ method: 'task_arithmetic', base: 'b', models: [{ id: 'x', weight: [1, 0] }, { id: 'y' }], params: { weight: 0.5, normalize: false } });
    for (const s of specs) {
      const [b, e0, e1] = data.get(s.name)!;
      const t = s.layer === null ? 0 : s.layer / (config.num_hidden_layers - 1);
      const w0 = (1 - t) * 1 + t * 0; // mergekit evaluate_setting on [1, 0]
      const port = Array.from(b, (v, i) => v + w0 * (e0[i] - v) + 0.5 * (e1[i] - v));
      expect(maxDiff(out.get(s.name)!, port), s.name).toBeLessThan(1e-6);
    }
  });
  it('conditions [{filter, value}] pick by tensor name, falling back to the global parameter', async () => {
    const out = await merged({ method: 'task_arithmetic', base: 'b', models: [{ id: 'x', weight: [{ filter: 'mlp', value: 0 }] }, { id: 'y', weight: 1 }], params: { weight: 0.25 } });
    for (const s of specs) {
      const [b, e0, e1] = data.get(s.name)!;
      const w0 = s.name.includes('mlp') ? 0 : 0.25;
      expect(maxDiff(out.get(s.name)!, Array.from(b, (v, i) => v + w0 * (e0[i] - v) + (e1[i] - v))), s.name).toBeLessThan(1e-6);
    }
  });
  it('dtype bfloat16 / float16: inputs and result rounded, within three units of the dtype of mergekit computing in it', async () => {
    for (const [dtype, round] of [['bfloat16', roundToBfloat16], ['float16', roundToFloat16]] as const) {
      const out = await merged({ method: 'task_arithmetic', base: 'b', models: [{ id: 'x', weight: 0.7 }, { id: 'y', weight: 0.6 }], dtype });
      let worst = 0;
      for (const s of specs) {
        const [b, e0, e1] = data.get(s.name)!.map((d) => Array.from(d, round));
        // mergekit in the dtype: every torch op rounds its result (the sum over models accumulates in float32, then rounds).
        const port = b.map((v, i) => round(v + round(round(round(e0[i] - v) * round(0.7)) + round(round(e1[i] - v) * round(0.6)))));
        const got = out.get(s.name)!;
        expect(got.every((v) => round(v) === v), `${dtype} ${s.name} is not rounded`).toBe(true);
        got.forEach((v, i) => {
          const scale = Math.max(Math.abs(port[i]), Math.abs(b[i]), Math.abs(e0[i]), Math.abs(e1[i]));
          worst = Math.max(worst, Math.abs(v - port[i]) / dtypeUlp(scale, dtype));
        });
      }
      // mergekit rounds four intermediate results (two deltas, two weighted deltas), the sum and the result, each by half a
      // unit: at most ~3 units at the operands' scale. Measured worst: 2 (bfloat16), 2.5 (float16).
      expect(worst, dtype).toBeLessThanOrEqual(3);
    }
  });
});
