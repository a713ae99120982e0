// The memory plan's update follows the kernel choice: our fused AdamW on WebGPU holds no
// per-parameter temporaries, the stock path (or adamw off) and the other backends do.
import { describe, expect, it } from 'vitest';
import type { BackendInfo } from '../worker/protocol';
import { planOptionsOf } from './memoryPlan';

const on = (name: BackendInfo['name']) => ({ info: { name, webgpuAvailable: true } as BackendInfo, starting: false });

describe('planOptionsOf', () => {
  it('plans the fused update only on WebGPU with our AdamW chosen (the default until the engine says otherwise)', () => {
    expect(planOptionsOf({ backend: on('webgpu') })).toEqual({ fusedUpdate: true });
    expect(planOptionsOf({ backend: on('webgpu'), fusedAdamw: true })).toEqual({ fusedUpdate: true });
    expect(planOptionsOf({ backend: on('webgpu'), fusedAdamw: false })).toEqual({ fusedUpdate: false });
    expect(planOptionsOf({ backend: on('wasm'), fusedAdamw: true })).toEqual({ fusedUpdate: false });
    expect(planOptionsOf({ backend: on('cpu') })).toEqual({ fusedUpdate: false });
    expect(planOptionsOf({ backend: { starting: true } })).toEqual({ fusedUpdate: false });
  });
});
