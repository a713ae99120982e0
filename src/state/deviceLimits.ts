// What this tab's device can hold, gathered from the running backend (GPU buffer limits), the
// browser (navigator.deviceMemory) and the storage estimate: for checkFitsDevice before a model
// is created, imported or grown, and (from what the store already holds) for the Create form's
// memory preview as the user types.
import type { DeviceLimits } from '../core/model/weights';
import { type StudioState, useStudio } from './store';
import { storageEstimate } from '../storage/kv';

/** The limits the store and the browser know now, without asking for a fresh storage estimate. */
export function deviceLimitsOf(state: Pick<StudioState, 'backend' | 'storage'>, storage = state.storage): DeviceLimits {
  const info = state.backend.info;
  const memory = typeof navigator === 'undefined' ? undefined : (navigator as { deviceMemory?: number }).deviceMemory;
  return {
    ...(info?.name === 'webgpu' && info.limits ? { maxBindingBytes: info.limits.maxStorageBufferBindingSize, maxBufferBytes: info.limits.maxBufferSize } : {}),
    // The limit the engine splits under, a forced one included (studio.setBackend's maxBindingBytes).
    ...(info?.bindingLimit ? { maxBindingBytes: info.bindingLimit.bytes } : {}),
    ...(typeof memory === 'number' && memory > 0 ? { memoryBytes: memory * 2 ** 30 } : {}),
    ...(storage?.quota ? { storageFreeBytes: Math.max(0, storage.quota - (storage.usage ?? 0)) } : {}),
  };
}

export async function currentDeviceLimits(): Promise<DeviceLimits> {
  const est = await storageEstimate();
  return deviceLimitsOf(useStudio.getState(), est);
}
