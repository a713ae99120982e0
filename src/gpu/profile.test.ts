import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { profileScoringBatch, profileTrainingStep } from './profile';
import { tinyConfig } from '../core/testing/fixtures';
import { referenceKernels } from '../core/kernels';

describe('profileTrainingStep', () => {
  it('profiles one step of the Trainer: programs by name, and nothing left behind', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const p = await profileTrainingStep(tinyConfig({ vocab_size: 40 }), 2, 8, referenceKernels);
    expect(p.backend).toBe('cpu');
    expect(p.customDispatches).toBe(0);
    expect(p.programs).toBe(p.kernels.reduce((a, k) => a + k.count, 0));
    // Forward and backward matmuls of every linear layer, and the AdamW update ops.
    expect(p.kernels.find((k) => k.name === 'BatchMatMul')?.count).toBeGreaterThan(10);
    expect(p.kernels.some((k) => k.name === 'Sqrt')).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('profiles one scoring batch: a forward pass without gradients, and nothing left behind', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const p = await profileScoringBatch(tinyConfig({ vocab_size: 40 }), 3, 8, referenceKernels);
    expect(p.programs).toBe(p.kernels.reduce((a, k) => a + k.count, 0));
    // One product per linear layer and the head; a training step would run three per layer.
    const matmuls = p.kernels.find((k) => k.name === 'BatchMatMul')?.count ?? 0;
    const train = await profileTrainingStep(tinyConfig({ vocab_size: 40 }), 3, 8, referenceKernels);
    expect(matmuls).toBeGreaterThan(3);
    expect(matmuls * 2).toBeLessThan(train.kernels.find((k) => k.name === 'BatchMatMul')!.count);
    expect(tf.memory().numTensors).toBe(before);
  });
});
