// Chooses and starts the tfjs backend. The only module that loads tfjs-backend-webgpu (its
// side-effect import registers the backend); what we read inside it lives in tfjsInternals.ts.
// The kernels the engine computes with are built from what this returns (register.ts).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import type { BackendInfo, BackendName } from './types';
import { gpuDevice, submitEveryProgram } from './tfjsInternals';

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

/** Starts `wanted` ('auto' = WebGPU when there is an adapter, else the CPU backend). */
export async function startBackend(wanted: BackendName | 'auto'): Promise<BackendInfo> {
  const probe = await probeWebGpu();
  const webgpuAvailable = probe.adapter !== undefined;
  if (wanted === 'webgpu' && !webgpuAvailable) throw new Error(`WebGPU is not available: ${probe.error}`);
  const name: BackendName = wanted === 'cpu' || !webgpuAvailable ? 'cpu' : 'webgpu';
  submitEveryProgram();
  if (tf.getBackend() !== name) {
    const ok = await tf.setBackend(name);
    if (!ok) throw new Error(`the tfjs ${name} backend failed to start`);
  }
  await tf.ready();
  return { name, adapter: name === 'webgpu' ? probe.adapter : undefined, webgpuAvailable, webgpuError: probe.error, ...(name === 'webgpu' ? deviceLimits() : {}) };
}

/**
 * The limits of the device tfjs created (it requests the adapter's maximum buffer sizes), so the
 * studio can refuse a model whose tensors would not bind.
 */
function deviceLimits(): Pick<BackendInfo, 'limits'> {
  const device = gpuDevice();
  return { limits: { maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize, maxBufferSize: device.limits.maxBufferSize } };
}
