// Every access to tfjs-backend-webgpu beyond tfjs's public API, in one file: the backend object,
// its device, a tensor's GPU buffer and reference count, tfjs's pending command encoder and its
// program runner. Each access says why we need it and was checked against tfjs-backend-webgpu
// 4.22.0 (package-lock.json): an upgrade reviews this file, and nothing else reaches inside.
import * as tf from '@tensorflow/tfjs';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { DeviceFeatures } from './features';

/** The backend object a registered kernel receives; opaque outside this file. */
export type StudioBackend = WebGPUBackend;

/** tfjs's own description of a program (the WebGPUProgram interface, structurally). */
export type WebGPUProgram = Parameters<WebGPUBackend['runWebGPUProgram']>[0];

/** The active backend as tfjs-backend-webgpu's class; throws on any other backend. */
export function webgpuBackend(): StudioBackend {
  if (tf.getBackend() !== 'webgpu') throw new Error(`this needs the webgpu backend, but tfjs runs on ${tf.getBackend()}`);
  // tf.backend() is typed as the abstract KernelBackend; on 'webgpu' it is a WebGPUBackend (4.22.0).
  return tf.backend() as unknown as StudioBackend;
}

/**
 * The GPUDevice tfjs created. WebGPUBackend.device is a public field (4.22.0); we read its limits
 * (what a model's tensors and a program's bindings may use) and create our own pipelines on it,
 * so they share tfjs's buffers.
 */
export function gpuDevice(backend: StudioBackend = webgpuBackend()): GPUDevice {
  return backend.device;
}

/**
 * Submits every program at once. tfjs-backend-webgpu 4.22.0 batches programs before submitting
 * them (the WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE flag); a read could overtake programs still waiting
 * in the batch and return zeros (found by checkMergeParity). The flag is tfjs's, set before the
 * backend starts.
 */
export function submitEveryProgram(): void {
  tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', 1);
}

/**
 * Runs one of our WGSL programs inside tfjs: WebGPUBackend.runWebGPUProgram (public in 4.22.0)
 * generates the bindings and uniforms, records the dispatch in tfjs's command encoder and caches
 * the pipeline by program.shaderKey, so our kernels share tfjs's buffers and its profiler sees them.
 */
export function runWebGPUProgram(backend: StudioBackend, program: WebGPUProgram, inputs: tf.TensorInfo[], dtype: 'float32' | 'int32', uniforms: { type: string; data: number[] }[], output?: tf.TensorInfo): tf.TensorInfo {
  return backend.runWebGPUProgram(program, inputs, dtype, uniforms, output);
}

/**
 * Whether another tensor shares `t`'s data. tf.variable(t) and assign(t) alias t's data in
 * tfjs; a kernel that writes a buffer in place must copy first or it changes the other tensor
 * too (the engine's loaded model). Reads tensorMap.get(dataId).refCount, a public field of the
 * backend's per-tensor record in 4.22.0 (WebGPUBackend.refCount(dataId) returns the same).
 */
export function sharesData(backend: StudioBackend, t: tf.Tensor): boolean {
  return backend.tensorMap.get(t.dataId).refCount > 1;
}

/**
 * The GPU buffer behind a tensor, for our own raw dispatches (fused AdamW), uploading it first if
 * it lives on the CPU (WebGPUBackend.uploadToGPU, public in 4.22.0). The buffer is the record's
 * `resource` in tensorMap. `written`: the dispatch changes it in place, so the CPU copy tfjs may
 * have cached in the record's `values` from an earlier read is dropped (tfjs would return it).
 */
export function gpuBufferOf(backend: StudioBackend, t: tf.Tensor, written: boolean): GPUBuffer {
  backend.uploadToGPU(t.dataId);
  const data = backend.tensorMap.get(t.dataId);
  if (!(data.resource instanceof GPUBuffer)) throw new Error('this kernel needs tensors in GPU buffers, not textures');
  if (written) (data as { values: unknown }).values = null;
  return data.resource;
}

/**
 * Submits what tfjs has recorded but not yet submitted, so a raw dispatch of ours on
 * device.queue runs after it (uploads that gpuBufferOf recorded, programs that produced our
 * inputs). `commandEncoder` is private in 4.22.0 and null when nothing is pending; submitQueue()
 * (public) would fail on null, and endComputePassEncoder() (public) must close the open pass
 * first, as tfjs's own read path does.
 */
export function submitPending(backend: StudioBackend): void {
  if ((backend as unknown as { commandEncoder: unknown }).commandEncoder) {
    backend.endComputePassEncoder();
    backend.submitQueue();
  }
}

/**
 * WGSL wants `enable` directives before every declaration, but tfjs puts its own header (private
 * variables, helpers, bindings) before a program's code. Our programs write `enable subgroups;`
 * among their declarations; the device moves such lines to the top when it compiles a module.
 */
export function hoistEnables(code: string): string {
  const enables: string[] = [];
  const rest = code.replace(/^[ \t]*enable [a-z0-9_, ]+;[ \t]*$/gm, (line) => {
    enables.push(line.trim());
    return '';
  });
  return enables.length ? `${[...new Set(enables)].join('\n')}\n${rest}` : code;
}

/** The optional features the studio asks for where the adapter offers them. */
const OPTIONAL_FEATURES = ['timestamp-query', 'subgroups', 'shader-f16'] as const;

let features: DeviceFeatures | undefined;
let registered = false;

/**
 * Which buffer limits the next WebGPU device is requested with: 'adapter', the adapter's maxima
 * (what tfjs does), or 'default', WebGPU's default limits (maxStorageBufferBindingSize 128 MiB,
 * maxBufferSize 256 MiB), as a low-limit adapter gives them.
 */
export type DeviceLimitsMode = 'adapter' | 'default';
let limitsMode: DeviceLimitsMode = 'adapter';
let startedLimitsMode: DeviceLimitsMode | undefined;

/**
 * Asks for `mode` on the next start of the 'webgpu' backend; when a device of the other mode runs,
 * tfjs's backend instance is dropped (tf.removeBackend, which also clears it when active) and the
 * factory registered again, so the
 * next tf.setBackend('webgpu') creates a fresh device. The caller has dropped every tensor on it.
 */
export function requestDeviceLimits(mode: DeviceLimitsMode): void {
  limitsMode = mode;
  if (startedLimitsMode === undefined || startedLimitsMode === mode || !registered) return;
  tf.removeBackend('webgpu');
  startedLimitsMode = undefined;
  registered = false;
  registerStudioWebGpu();
}

/**
 * Replaces tfjs-backend-webgpu's registration of the 'webgpu' backend (4.22.0, base.js) with one
 * that creates the device the same way (high-performance adapter, the adapter's limits for
 * buffers and workgroups, timestamp-query) and also requests `subgroups` and `shader-f16` where
 * the adapter offers them, which tfjs never does; its createShaderModule hoists `enable`
 * directives (hoistEnables). new WebGPUBackend(device, adapterInfo) is the package's public
 * constructor. Call before the backend first starts; later calls do nothing.
 */
export function registerStudioWebGpu(): void {
  if (registered || !(globalThis.navigator as Navigator | undefined)?.gpu) return;
  registered = true;
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', async () => {
    const adapter = await navigator.gpu.requestAdapter({ powerPreference: tf.env().get('WEBGPU_USE_LOW_POWER_GPU') ? 'low-power' : 'high-performance' });
    if (!adapter) throw new Error('navigator.gpu.requestAdapter() found no adapter');
    const requiredFeatures = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f)) as GPUFeatureName[];
    const l = adapter.limits;
    const device = await adapter.requestDevice({
      requiredFeatures,
      requiredLimits: {
        maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize, maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
        ...(limitsMode === 'adapter' ? { maxStorageBufferBindingSize: l.maxStorageBufferBindingSize, maxBufferSize: l.maxBufferSize } : {}),
        maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX, maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      },
    });
    startedLimitsMode = limitsMode;
    const compile = device.createShaderModule.bind(device);
    device.createShaderModule = (d: GPUShaderModuleDescriptor) => compile({ ...d, code: hoistEnables(d.code) });
    const info = adapter.info as GPUAdapterInfo & { subgroupMinSize?: number; subgroupMaxSize?: number };
    features = {
      subgroups: device.features.has('subgroups'), shaderF16: device.features.has('shader-f16'), timestampQuery: device.features.has('timestamp-query'),
      subgroupMinSize: info.subgroupMinSize, subgroupMaxSize: info.subgroupMaxSize,
    };
    return new WebGPUBackend(device, info);
  }, 3);
}

/** The features of the device registerStudioWebGpu's factory created (undefined before it ran). */
export function startedDeviceFeatures(): DeviceFeatures | undefined {
  return features;
}
