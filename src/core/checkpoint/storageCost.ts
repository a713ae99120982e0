// What the checkpoint storage dtype saves, before a checkpoint is saved: the bytes a model's
// safetensors blob takes in IndexedDB in each dtype (its header included, as the studio writes it)
// and, in words, the precision given up for them. For the storage-precision control and a
// checkpoint's details.
import type { LlamaConfig } from '../model/config';
import { weightSpecs } from '../model/weights';
import { encodeSafetensorsHeader } from './safetensors';
import { type StorageDtype, storageDtypeWords } from './storageDtype';

/** The metadata the studio writes into a checkpoint's safetensors header. */
const CHECKPOINT_METADATA = { format: 'pt' };

/** Bytes of a checkpoint of this config stored in dtype: the header (8 bytes, JSON padded to 8) and the tensors. */
export function checkpointBytes(c: LlamaConfig, dtype: StorageDtype): number {
  const head = encodeSafetensorsHeader(weightSpecs(c).map((s) => ({ name: s.name, shape: s.shape, dtype })), CHECKPOINT_METADATA);
  return head.bytes.length + head.dataBytes;
}

export interface StorageSaving {
  dtype: StorageDtype;
  bytes: number;
  f32Bytes: number;
  /** f32Bytes - bytes. */
  savedBytes: number;
  /** bytes / f32Bytes. */
  share: number;
}

/** A checkpoint of this config in dtype against F32. */
export function storageSaving(c: LlamaConfig, dtype: StorageDtype): StorageSaving {
  const bytes = checkpointBytes(c, dtype);
  const f32Bytes = checkpointBytes(c, 'F32');
  return { dtype, bytes, f32Bytes, savedBytes: f32Bytes - bytes, share: bytes / f32Bytes };
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 1)} MB`;

/** "BF16: 8 significant bits …; a checkpoint of this model: 0.05 MB instead of 0.11 MB as F32 (saves 0.05 MB, 50 %)". */
export function storageSavingWords(s: StorageSaving, what = 'a checkpoint of this model'): string {
  if (s.dtype === 'F32') return `${storageDtypeWords('F32')}; ${what}: ${mb(s.bytes)}`;
  return `${storageDtypeWords(s.dtype)}; ${what}: ${mb(s.bytes)} instead of ${mb(s.f32Bytes)} as F32 (saves ${mb(s.savedBytes)}, ${Math.round(100 * (1 - s.share))} %)`;
}
