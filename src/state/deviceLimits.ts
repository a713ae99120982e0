// What this tab's device can hold, gathered from the running backend (GPU binding limit), the
// browser (navigator.deviceMemory) and the storage estimate, for checkFitsDevice before a model
// is created, imported or grown.
import type { DeviceLimits } from '../core/model/weights';
import { useStudio } from './store';
import { storageEstimate } from '../storage/kv';

export async function currentDeviceLimits(): Promise<DeviceLimits> {
  const info = useStudio.getState().backend.info;
  const est = await storageEstimate();
  const memory = typeof navigator === 'undefined' ? undefined : (navigator as { deviceMemory?: number }).deviceMemory;
  return {
    ...(info?.name === 'webgpu' && info.limits ? { maxBindingBytes: info.limits.maxStorageBufferBindingSize } : {}),
    ...(typeof memory === 'number' && memory > 0 ? { memoryBytes: memory * 2 ** 30 } : {}),
    ...(est?.quota ? { storageFreeBytes: Math.max(0, est.quota - (est.usage ?? 0)) } : {}),
  };
}
