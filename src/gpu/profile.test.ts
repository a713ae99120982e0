import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { profileTrainingStep } from './profile';
import { tinyConfig } from '../core/testing/fixtures';

describe('profileTrainingStep', () => {
  it('profiles one step of the Trainer: programs by name, and nothing left behind', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const p = await profileTrainingStep(tinyConfig({ vocab_size: 40 }), 2, 8, undefined);
    expect(p.backend).toBe('cpu');
    expect(p.customDispatches).toBe(0);
    expect(p.programs).toBe(p.kernels.reduce((a, k) => a + k.count, 0));
    // Forward and backward matmuls of every linear layer, and the AdamW update ops.
    expect(p.kernels.find((k) => k.name === 'BatchMatMul')?.count).toBeGreaterThan(10);
    expect(p.kernels.some((k) => k.name === 'Sqrt')).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
