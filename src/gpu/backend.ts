// Chooses and starts the tfjs backend. The only module that imports tfjs-backend-webgpu: later
// custom kernels register here (register.ts), never by scattered side-effect imports.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import type { BackendInfo, BackendName } from '../worker/protocol';
import { installStudioKernels } from './register';
import { chooseRowLayout } from './kernels/program';

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
  // Submit every program at once: with tfjs-backend-webgpu 4.22's deferred batches, a read could
  // overtake programs still waiting in the batch and return zeros (found by checkMergeParity).
  tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', 1);
  if (tf.getBackend() !== name) {
    const ok = await tf.setBackend(name);
    if (!ok) throw new Error(`the tfjs ${name} backend failed to start`);
  }
  await tf.ready();
  installStudioKernels();
  chooseRowLayout(name === 'webgpu' ? probe.adapter : undefined);
  return { name, adapter: name === 'webgpu' ? probe.adapter : undefined, webgpuAvailable, webgpuError: probe.error, ...(name === 'webgpu' ? deviceLimits() : {}) };
}

/**
 * The limits of the device tfjs created (it requests the adapter's maximum buffer sizes), so the
 * studio can refuse a model whose tensors would not bind. Reads WebGPUBackend.device, a public
 * field of tfjs-backend-webgpu 4.22.
 */
function deviceLimits(): Pick<BackendInfo, 'limits'> {
  const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
  if (!device) return {};
  return { limits: { maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize, maxBufferSize: device.limits.maxBufferSize } };
}
