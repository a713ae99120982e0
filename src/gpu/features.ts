// The optional WebGPU features the started device has (requested where the adapter offers them:
// tfjsInternals.ts registerStudioWebGpu), for the kernels and tuning candidates that use them.
// Set when the webgpu backend starts; empty before and on the CPU backend.

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

let current: DeviceFeatures = { subgroups: false, shaderF16: false, timestampQuery: false };

export function setDeviceFeatures(f: DeviceFeatures): void {
  current = { ...f };
}

export function deviceFeatures(): DeviceFeatures {
  return { ...current };
}

/** Threads of the 'subgroup' row layout: the smallest subgroup, so a workgroup is one subgroup. */
export function subgroupWidth(): number {
  if (!current.subgroups) throw new Error("the 'subgroup' row layout needs a device with the subgroups feature; this one has none");
  const w = current.subgroupMinSize;
  if (!w || w < 1 || (w & (w - 1)) !== 0) throw new Error(`the 'subgroup' row layout needs the adapter's subgroupMinSize (a power of two), got ${JSON.stringify(w)}`);
  return w;
}
