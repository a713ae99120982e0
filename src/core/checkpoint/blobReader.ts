// Reads tensors out of a safetensors Blob one at a time: the header first, then only the byte
// range of each tensor asked for. A Blob from IndexedDB stays on disk until a slice is read, so a
// merge holds one tensor per model in memory, not whole models.
import type { LlamaConfig } from '../model/config';
import { decodeTensorData, readSafetensorsHeader } from './safetensors';
import { checkAgainstConfig } from './tensors';

export type TensorReader = (name: string) => Promise<Float32Array>;

export async function blobTensorReader(blob: Blob, source: string, config?: LlamaConfig): Promise<{ read: TensorReader; names: string[] }> {
  const lenBytes = new Uint8Array(await blob.slice(0, 8).arrayBuffer());
  if (lenBytes.length < 8) throw new Error(`${source}: too short to be a safetensors file (${blob.size} bytes)`);
  const headerLen = Number(new DataView(lenBytes.buffer).getBigUint64(0, true));
  if (headerLen <= 0 || 8 + headerLen > blob.size) throw new Error(`${source}: header length ${headerLen} does not fit a file of ${blob.size} bytes; not a safetensors file`);
  const head = new Uint8Array(await blob.slice(0, 8 + headerLen).arrayBuffer());
  const header = readSafetensorsHeader(head, source, blob.size);
  const byName = new Map(header.tensors.map((t) => [t.name, t]));
  if (config) checkAgainstConfig(header.tensors.map((t) => ({ name: t.name, shape: t.shape, data: new Float32Array(0) })), config, source);
  return {
    names: header.tensors.map((t) => t.name),
    read: async (name) => {
      const t = byName.get(name);
      if (!t) throw new Error(`${source} has no tensor ${name}`);
      const raw = new Uint8Array(await blob.slice(header.dataStart + t.begin, header.dataStart + t.end).arrayBuffer());
      return decodeTensorData(raw, t.dtype) as Float32Array;
    },
  };
}
