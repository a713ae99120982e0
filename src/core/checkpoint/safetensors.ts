// The safetensors container (8-byte little-endian header length, JSON header, raw little-endian
// data), used both for checkpoints in IndexedDB and for export, so a stored checkpoint is already
// a file PyTorch, transformers and mergekit read. Reading validates every offset: the bytes may
// come from a user's file or a damaged store.

import { float16Bits, fromFloat16Bits } from '../numeric/float16';
import { fromBf16, toBf16 } from '../numeric/bfloat16';

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'I32';

export interface NamedTensor {
  name: string;
  shape: number[];
  /** F32 data; F16/BF16 are converted on write and on read. */
  data: Float32Array | Int32Array;
  dtype?: SafetensorsDtype;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

const BYTES: Record<SafetensorsDtype, number> = { F32: 4, F16: 2, BF16: 2, I32: 4 };

/**
 * The header bytes (8-byte length + JSON, padded so data starts 8-byte aligned as the reference
 * writer does) for tensors written in this order, and each tensor's size in the data section.
 */
export function encodeSafetensorsHeader(entries: { name: string; shape: number[]; dtype: SafetensorsDtype }[], metadata: Record<string, string> = {}): { bytes: Uint8Array; sizes: number[]; dataBytes: number } {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  const sizes = entries.map((e) => {
    const size = e.shape.reduce((a, b) => a * b, 1) * BYTES[e.dtype];
    header[e.name] = { dtype: e.dtype, shape: e.shape, data_offsets: [offset, offset + size] };
    offset += size;
    return size;
  });
  let headerText = JSON.stringify(header);
  while ((8 + new TextEncoder().encode(headerText).length) % 8 !== 0) headerText += ' ';
  const json = new TextEncoder().encode(headerText);
  const bytes = new Uint8Array(8 + json.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  return { bytes, sizes, dataBytes: offset };
}

/** Encodes tensors (and string metadata) into one safetensors buffer. */
export function encodeSafetensors(tensors: NamedTensor[], metadata: Record<string, string> = {}, dtype: 'F32' | 'F16' | 'BF16' = 'F32'): Uint8Array {
  const plan = tensors.map((t) => {
    const dt: SafetensorsDtype = t.data instanceof Int32Array ? 'I32' : (t.dtype ?? dtype);
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new Error(`tensor ${t.name}: shape [${t.shape}] needs ${n} values, has ${t.data.length}`);
    return { name: t.name, shape: t.shape, dtype: dt };
  });
  const head = encodeSafetensorsHeader(plan, metadata);
  const out = new Uint8Array(head.bytes.length + head.dataBytes);
  const view = new DataView(out.buffer);
  out.set(head.bytes, 0);
  let pos = head.bytes.length;
  tensors.forEach((t, i) => {
    const dt = plan[i].dtype;
    const size = head.sizes[i];
    if (dt === 'F32' || dt === 'I32') {
      out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, size), pos);
    } else {
      const conv = dt === 'F16' ? float16Bits : toBf16;
      for (let j = 0; j < t.data.length; j++) view.setUint16(pos + 2 * j, conv(t.data[j]), true);
    }
    pos += size;
  });
  return out;
}

export interface SafetensorsHeader {
  metadata: Record<string, string>;
  tensors: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[];
  /** Offset of the data section from the start of the file. */
  dataStart: number;
}

/** Parses and checks the header; `bytes` needs to hold at least the header. */
export function readSafetensorsHeader(bytes: Uint8Array, fileName = 'safetensors file', fileSize = bytes.length): SafetensorsHeader {
  if (bytes.length < 8) throw new Error(`${fileName}: too short to be a safetensors file (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen <= 0 || 8 + headerLen > fileSize || headerLen > 100_000_000) {
    throw new Error(`${fileName}: header length ${headerLen} does not fit a file of ${fileSize} bytes; not a safetensors file`);
  }
  if (8 + headerLen > bytes.length) throw new Error(`${fileName}: header needs ${8 + headerLen} bytes, got ${bytes.length}`);
  let raw: Record<string, unknown>;
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + headerLen));
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${fileName}: header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${fileName}: the header must be a JSON object of tensor names, got ${raw === null ? 'null' : Array.isArray(raw) ? 'a list' : typeof raw}`);
  // JSON.parse keeps the last of two equal keys: a second tensor of one name would silently win.
  const duplicate = firstDuplicateKey(text);
  if (duplicate !== undefined) throw new Error(`${fileName}: the header names tensor ${duplicate} twice; each tensor must appear once`);
  const dataStart = 8 + headerLen;
  const dataSize = fileSize - dataStart;
  const tensors: SafetensorsHeader['tensors'] = [];
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(raw)) {
    if (name === '__metadata__') {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry) || !Object.values(entry).every((v) => typeof v === 'string')) throw new Error(`${fileName}: __metadata__ must be an object of strings`);
      metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as HeaderEntry;
    if (typeof e !== 'object' || e === null || !Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new Error(`${fileName}: tensor ${name} has no valid shape (a list of non-negative integers)`);
    }
    if (typeof e.dtype !== 'string' || !Object.hasOwn(BYTES, e.dtype)) throw new Error(`${fileName}: tensor ${name} has dtype ${e.dtype}; supported: ${Object.keys(BYTES).join(', ')}`);
    const dtype = e.dtype as SafetensorsDtype;
    const n = (e.shape ?? []).reduce((a: number, b: number) => a * b, 1);
    if (!Array.isArray(e.data_offsets) || e.data_offsets.length !== 2) throw new Error(`${fileName}: tensor ${name} has data_offsets ${JSON.stringify(e.data_offsets)}; it must be [begin, end], two byte offsets into the data section`);
    const [begin, end] = e.data_offsets;
    if (!Number.isInteger(begin) || !Number.isInteger(end) || begin < 0 || end > dataSize || end - begin !== n * BYTES[dtype]) {
      throw new Error(`${fileName}: tensor ${name} has offsets [${begin}, ${end}] that do not match shape [${e.shape}] ${dtype} inside ${dataSize} data bytes`);
    }
    tensors.push({ name, dtype, shape: e.shape, begin, end });
  }
  const byStart = [...tensors].sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < byStart.length; i++) {
    const [a, b] = [byStart[i - 1], byStart[i]];
    if (b.begin < a.end) throw new Error(`${fileName}: tensors ${a.name} [${a.begin}, ${a.end}] and ${b.name} [${b.begin}, ${b.end}] overlap`);
  }
  return { metadata, tensors, dataStart };
}

/**
 * The first top-level key of a JSON object text that appears twice, or undefined. Scans strings
 * and nesting only (the text already parsed as JSON), so it costs one pass over the header.
 */
export function firstDuplicateKey(json: string): string | undefined {
  const seen = new Set<string>();
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === '"') {
      let j = i + 1;
      while (j < json.length && json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
      if (depth === 1) {
        let k = j + 1;
        while (/\s/.test(json[k] ?? '')) k++;
        if (json[k] === ':') {
          const key = JSON.parse(json.slice(i, j + 1)) as string;
          if (seen.has(key)) return key;
          seen.add(key);
        }
      }
      i = j;
    }
  }
  return undefined;
}

/** How many values of a decoded tensor are NaN or ±Inf. */
export function countNonFinite(data: Float32Array | Int32Array): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) n++;
  return n;
}

/** Converts one tensor's raw bytes (from the data section) to F32 (or I32) values. */
export function decodeTensorData(raw: Uint8Array, dtype: SafetensorsDtype): Float32Array | Int32Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (dtype === 'F32' || dtype === 'I32') {
    const copy = raw.slice(); // aligned copy; the source offset need not be a multiple of 4
    return dtype === 'F32' ? new Float32Array(copy.buffer) : new Int32Array(copy.buffer);
  }
  const n = raw.byteLength / 2;
  const out = new Float32Array(n);
  const conv = dtype === 'F16' ? fromFloat16Bits : fromBf16;
  for (let i = 0; i < n; i++) out[i] = conv(view.getUint16(2 * i, true));
  return out;
}

/** Decodes a whole safetensors buffer held in memory. */
export function decodeSafetensors(bytes: Uint8Array, fileName?: string): { metadata: Record<string, string>; tensors: NamedTensor[] } {
  const h = readSafetensorsHeader(bytes, fileName);
  const tensors = h.tensors.map((t) => ({
    name: t.name,
    shape: t.shape,
    dtype: t.dtype,
    data: decodeTensorData(bytes.subarray(h.dataStart + t.begin, h.dataStart + t.end), t.dtype),
  }));
  return { metadata: h.metadata, tensors };
}
