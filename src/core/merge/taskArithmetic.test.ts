// planTaskVectors: the one plan of a task-vector merge that the stock ops and the fused GPU
// kernel both execute. Each sparsification becomes one kind of trim with mergekit's keep counts,
// refusals name the tensor, and the stock ops give the same tensor as the method run by runMerge.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { mergeTaskVectors, planTaskVectors, type TaskArithmeticConfig } from './taskArithmetic';

const input = (perModel: Record<string, number>[], global: Record<string, number | boolean> = {}) => ({
  name: 'model.layers.0.mlp.up_proj.weight',
  perModel: perModel.map((p) => ({ weight: 1, ...p })),
  global: { lambda: 1, normalize: false, rescale: false, ...global },
  noiseSeed: (i: number) => 100 + i,
});
const cfg = (sparsification: TaskArithmeticConfig['sparsification'], consensus: TaskArithmeticConfig['consensus'] = 'none'): TaskArithmeticConfig => ({ sparsification, consensus });

describe('planTaskVectors', () => {
  it('plans each sparsification as one trim, with mergekit keep counts and seeds', () => {
    const p = planTaskVectors(cfg('magnitude', 'sign'), input([{ density: 0.3 }, { density: 1 }], { normalize: true }), 10);
    expect(p.experts.map((e) => e.trim)).toEqual([{ kind: 'rank', from: 0, to: 3 }, { kind: 'all' }]);
    expect(p).toMatchObject({ consensus: 'sign', normalize: true, weightSum: 2, lambda: 1 });
    expect(planTaskVectors(cfg('magnitude_outliers'), input([{ density: 0.5, gamma: 0.1 }]), 100).experts[0].trim).toEqual({ kind: 'rank', from: 10, to: 60 });
    // gamma · n truncates to 0: mergekit's slice keeps nothing.
    expect(planTaskVectors(cfg('magnitude_outliers'), input([{ density: 0.5, gamma: 0.001 }]), 100).experts[0].trim).toEqual({ kind: 'rank', from: 0, to: 0 });
    expect(planTaskVectors(cfg('random'), input([{ density: 0.25 }, { density: 0.5 }]), 10).experts.map((e) => e.trim)).toEqual([{ kind: 'random', density: 0.25, seed: 100 }, { kind: 'random', density: 0.5, seed: 101 }]);
    expect(planTaskVectors(cfg('della_magprune'), input([{ density: 0.5, epsilon: 0.1 }, { density: 0, epsilon: 0.1 }]), 10).experts.map((e) => e.trim)).toEqual([{ kind: 'della', density: 0.5, epsilon: 0.1, seed: 100 }, { kind: 'rank', from: 0, to: 0 }]);
  });

  it('plans the rescale per expert: L1, 1/density, or none where the task vector is kept whole', () => {
    expect(planTaskVectors(cfg('random'), input([{ density: 0.25 }, { density: 1 }], { rescale: true }), 8).experts.map((e) => e.rescale)).toEqual(['l1', 1]);
    expect(planTaskVectors(cfg('random'), input([{ density: 0.25 }], { rescale: true, density_rescale: true }), 8).experts[0].rescale).toBe(4);
    expect(planTaskVectors(cfg('random'), input([{ density: 0.25 }]), 8).experts[0].rescale).toBe(1);
  });

  it('divides by 1 where the weights sum to about 0, as mergekit does', () => {
    expect(planTaskVectors(cfg('none'), input([{ weight: 1 }, { weight: -1 }], { normalize: true }), 4).weightSum).toBe(1);
  });

  it('refuses what mergekit refuses, naming the tensor', () => {
    expect(() => planTaskVectors(cfg('magnitude'), input([{ density: 0.05 }]), 10)).toThrow(/model\.layers\.0\.mlp\.up_proj\.weight: density 0\.05 keeps int\(0\.05 · 10\) = 0 of its 10 entries/);
    expect(() => planTaskVectors(cfg('della_magprune'), input([{ density: 0.5, epsilon: 0.5 }]), 10)).toThrow(/model\.layers\.0\.mlp\.up_proj\.weight: epsilon 0\.5 with density 0\.5/);
  });

  it('the stock ops execute the plan: TIES keeps the planned ranks of each task vector', () => {
    const base = tf.zeros([6]);
    const a = tf.tensor1d([0.1, -0.5, 0.3, 0.05, -0.2, 0.4]);
    const b = tf.tensor1d([0.2, 0.1, -0.1, 0.3, 0.2, -0.05]);
    const inp = { ...input([{ density: 0.5 }, { density: 0.5 }]), base, models: [a, b] };
    const plan = planTaskVectors(cfg('magnitude', 'sign'), inp, 6);
    let kept: number[] = [];
    const merged = tf.tidy(() => mergeTaskVectors(plan, { ...inp, reportKept: (m) => void (kept = Array.from(m.dataSync())) }).dataSync());
    // int(0.5 · 6) = 3 each: a keeps -0.5, 0.4, 0.3; b keeps 0.3 and the tied 0.2s at indices 0 and 4.
    expect(Array.from(merged).map((v) => Math.round(v * 100) / 100)).toEqual([0.2, -0.5, 0.3, 0.3, 0.2, 0.4]);
    expect(kept).toEqual([0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0]);
    tf.dispose([base, a, b]);
  });
});
