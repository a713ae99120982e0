// The optional WebGPU features the started device has (requested where the adapter offers them:
// tfjsInternals.ts registerStudioWebGpu), for the kernels and tuning candidates that use them.
// Read from the device tfjs runs (tfjsInternals.ts records them when its factory creates it), so
// no setter can make a kernel believe in a feature the running device lacks; none off WebGPU.
import * as tf from '@tensorflow/tfjs';
import { startedDeviceFeatures } from './tfjsInternals';

export interface DeviceFeatures {
  /** WGSL `enable subgroups;` works: subgroupAdd, subgroupMax, ... */
  subgroups: boolean;
  /** The adapter's smallest subgroup size (GPUAdapterInfo.subgroupMinSize), where it says. */
  subgroupMinSize?: number;
  subgroupMaxSize?: number;
  /** WGSL `enable f16;` works. */
  shaderF16: boolean;
  timestampQuery: boolean;
}

const NO_FEATURES: DeviceFeatures = { subgroups: false, shaderF16: false, timestampQuery: false };

/** The running backend's device features (none unless it is 'webgpu'). */
export function deviceFeatures(): DeviceFeatures {
  const started = tf.getBackend() === 'webgpu' ? startedDeviceFeatures() : undefined;
  return { ...(started ?? NO_FEATURES) };
}

/** Threads of the 'subgroup' row layout: the smallest subgroup, so a workgroup is one subgroup. */
export function subgroupWidth(): number {
  const current = deviceFeatures();
  if (!current.subgroups) throw new Error("the 'subgroup' row layout needs a device with the subgroups feature; this one has none");
  const w = current.subgroupMinSize;
  if (!w || w < 1 || (w & (w - 1)) !== 0) throw new Error(`the 'subgroup' row layout needs the adapter's subgroupMinSize (a power of two), got ${JSON.stringify(w)}`);
  return w;
}
