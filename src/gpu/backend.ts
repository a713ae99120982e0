// Chooses and starts the tfjs backend. The only module that loads tfjs-backend-webgpu and
// tfjs-backend-wasm (their side-effect imports register the backends); what we read inside WebGPU
// lives in tfjsInternals.ts, what wasm needs (binaries, our kernels, features) in wasm/setup.ts.
// The kernels the engine computes with are built from what this returns (register.ts).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendInfo, BackendName } from './types';
import { prepareWasm, wasmFeatures, wasmStartFailure } from './wasm/setup';
import { resolveBackend } from './backendChoice';
import { type DeviceLimitsMode, gpuDevice, registerStudioWebGpu, requestDeviceLimits, submitEveryProgram } from './tfjsInternals';

async function probeWebGpu(): Promise<{ adapter?: string; error?: string }> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return { error: 'this browser exposes no navigator.gpu (WebGPU is off, unsupported, or the page is not a secure context)' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { error: 'navigator.gpu.requestAdapter() found no adapter' };
    const info = adapter.info;
    const words = [info?.vendor, info?.architecture, info?.description].filter((w) => w && w.length).join(' ');
    return { adapter: words || 'unknown adapter' };
  } catch (e) {
    return { error: `requesting a WebGPU adapter failed: ${(e as Error).message}` };
  }
}

/** Makes `name` tfjs's backend; false when tfjs could not start it. */
async function switchTo(name: BackendName): Promise<boolean> {
  if (name === 'wasm') prepareWasm();
  return tf.getBackend() === name || (await tf.setBackend(name));
}

/**
 * Starts `wanted`. 'auto': WebGPU when there is an adapter, else the WebAssembly backend, and the
 * CPU backend only when wasm fails to start (BackendInfo.wasmError says why).
 */
export async function startBackend(wanted: BackendName | 'auto', options: StartOptions = {}): Promise<BackendInfo> {
  requestDeviceLimits(options.limits ?? 'adapter');
  const probe = await probeWebGpu();
  const webgpuAvailable = probe.adapter !== undefined;
  submitEveryProgram();
  registerStudioWebGpu();
  const { name, wasmError } = await resolveBackend(wanted, webgpuAvailable, probe.error, { switchTo, wasmFailure: wasmStartFailure });
  await tf.ready();
  const limits: Pick<BackendInfo, 'limits'> = name === 'webgpu' ? deviceLimits() : {};
  const bindingLimit = bindingLimitOf(limits.limits, options.maxBindingBytes);
  return { name, adapter: name === 'webgpu' ? probe.adapter : undefined, webgpuAvailable, webgpuError: probe.error, ...limits, ...(bindingLimit ? { bindingLimit } : {}), ...(name === 'wasm' ? { wasm: await wasmFeatures() } : {}), ...(wasmError ? { wasmError } : {}) };
}

export interface StartOptions {
  /** The WebGPU device's buffer limits: the adapter's maxima (default) or WebGPU's defaults (128 MiB binding), as a low-limit adapter has. */
  limits?: DeviceLimitsMode;
  /** A binding limit below the device's (or on a backend without one), for testing the split layout with tiny models. */
  maxBindingBytes?: number;
}

/** The limit tensors are split under: the device's binding limit (never above maxBufferSize), lowered by a forced one. */
function bindingLimitOf(device: BackendInfo['limits'], forced: number | undefined): BackendInfo['bindingLimit'] {
  const own = device ? Math.min(device.maxStorageBufferBindingSize, device.maxBufferSize) : undefined;
  if (forced !== undefined && (own === undefined || forced < own)) return { bytes: forced, source: 'forced' };
  return own === undefined ? undefined : { bytes: own, source: 'device' };
}

/**
 * The limits of the device tfjs created (it requests the adapter's maximum buffer sizes), so the
 * studio can refuse a model whose tensors would not bind.
 */
function deviceLimits(): Pick<BackendInfo, 'limits'> {
  const device = gpuDevice();
  return { limits: { maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize, maxBufferSize: device.limits.maxBufferSize } };
}
