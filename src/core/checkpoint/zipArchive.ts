// Reads a model archive (.zip) as hostile input. The central directory is read from the end of
// the Blob; every entry's name, method, flags, sizes and byte range are checked before a byte
// is inflated; entries may not overlap (the trick of zip bombs that reuse one compressed
// stream); declared uncompressed sizes are bounded per file and in total, inflation writes into
// a buffer of the declared size plus one byte (a stream that says less than it holds is
// caught), and the CRC-32 of what was inflated must match. Stored entries come back as slices
// of the Blob, so a stored model.safetensors is never copied whole.
import { inflateSync } from 'fflate';

export interface ZipLimits {
  /** Most entries in the central directory. */
  maxEntries: number;
  /** Largest uncompressed size of one inflated entry, in bytes. */
  maxInflatedEntry: number;
  /** Largest total of the uncompressed sizes of the entries inflated. */
  maxInflatedTotal: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 1024, maxInflatedEntry: 1 << 30, maxInflatedTotal: 1 << 30 };

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  crc: number;
  /** Offset of the local header. */
  offset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const METHODS: Record<number, string> = { 0: 'stored', 8: 'deflate' };

/** Stored entries up to this size have their CRC-32 checked (reading them costs little). */
const STORED_CRC_LIMIT = 64 * 2 ** 20;

const MiB = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

/** The CRC-32 table (IEEE 802.3, as zip uses), built once at load: 1 KiB. */
const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 of `data` (fflate keeps its own CRC internal). */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

async function bytesAt(blob: Blob, begin: number, end: number): Promise<DataView> {
  return new DataView(await blob.slice(begin, end).arrayBuffer());
}

/** A path inside the archive that could not escape a folder or confuse a file system. */
function checkEntryName(name: string, archive: string): void {
  const parts = name.split('/');
  if (!name || name.length > 1024 || name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.includes('\\') || /[\u0000-\u001f]/.test(name) || parts.some((p) => p === '..' || p === '.')) {
    throw new Error(`${archive}: entry name ${JSON.stringify(name.slice(0, 120))} is not a plain relative path; the archive is refused`);
  }
}

/** Lists the entries of a zip, checking the directory; throws naming the archive and what is wrong. */
export async function readZipDirectory(blob: Blob, archive: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ZipEntry[]> {
  if (blob.size < 22) throw new Error(`${archive}: ${blob.size} bytes is too short to be a zip archive`);
  const tailStart = Math.max(0, blob.size - 22 - 0xffff);
  const tail = await bytesAt(blob, tailStart, blob.size);
  let eocd = -1;
  for (let i = tail.byteLength - 22; i >= 0; i--) {
    if (tail.getUint32(i, true) === EOCD && i + 22 + tail.getUint16(i + 20, true) === tail.byteLength) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error(`${archive}: no zip end-of-directory record; not a zip archive, or truncated`);
  const count = tail.getUint16(eocd + 10, true);
  const cdSize = tail.getUint32(eocd + 12, true);
  const cdOffset = tail.getUint32(eocd + 16, true);
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) throw new Error(`${archive}: a ZIP64 archive (over 4 GiB or 65,535 entries); the studio reads plain zip archives`);
  if (tail.getUint16(eocd + 4, true) !== 0 || tail.getUint16(eocd + 8, true) !== count) throw new Error(`${archive}: a multi-part (spanned) zip archive; give the whole archive as one file`);
  if (count > limits.maxEntries) throw new Error(`${archive}: ${count} entries, more than the ${limits.maxEntries} a model archive may hold`);
  const cdEnd = tailStart + eocd;
  if (cdOffset + cdSize !== cdEnd) throw new Error(`${archive}: the central directory (${cdSize} bytes at ${cdOffset}) does not end where the end record begins (${cdEnd}); the archive is damaged`);
  const cd = await bytesAt(blob, cdOffset, cdEnd);
  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let p = 0;
  for (let k = 0; k < count; k++) {
    if (p + 46 > cd.byteLength || cd.getUint32(p, true) !== CENTRAL) throw new Error(`${archive}: central directory entry ${k + 1} of ${count} is damaged`);
    const flags = cd.getUint16(p + 8, true);
    const method = cd.getUint16(p + 10, true);
    const crc = cd.getUint32(p + 16, true);
    const compressedSize = cd.getUint32(p + 20, true);
    const size = cd.getUint32(p + 24, true);
    const nameLen = cd.getUint16(p + 28, true);
    const extraLen = cd.getUint16(p + 30, true);
    const commentLen = cd.getUint16(p + 32, true);
    const offset = cd.getUint32(p + 42, true);
    if (p + 46 + nameLen > cd.byteLength) throw new Error(`${archive}: central directory entry ${k + 1} runs past the directory`);
    const name = new TextDecoder().decode(new Uint8Array(cd.buffer, cd.byteOffset + p + 46, nameLen));
    p += 46 + nameLen + extraLen + commentLen;
    checkEntryName(name, archive);
    if (names.has(name)) throw new Error(`${archive}: two entries named ${name}`);
    names.add(name);
    if (flags & 1) throw new Error(`${archive}: ${name} is encrypted; the studio reads unencrypted archives`);
    if (size === 0xffffffff || compressedSize === 0xffffffff || offset === 0xffffffff) throw new Error(`${archive}: ${name} needs ZIP64 (over 4 GiB); the studio reads plain zip archives`);
    if (!(method in METHODS)) throw new Error(`${archive}: ${name} uses compression method ${method}; only stored (0) and deflate (8) are read`);
    if (method === 0 && size !== compressedSize) throw new Error(`${archive}: ${name} is stored yet its sizes differ (${compressedSize} vs ${size} bytes)`);
    if (offset + 30 + compressedSize > cdOffset) throw new Error(`${archive}: ${name} (${compressedSize} bytes at ${offset}) runs into the central directory; the archive is damaged`);
    entries.push({ name, method, compressedSize, size, crc, offset });
  }
  // Local headers and data must not overlap: each entry ends before the next begins.
  const byOffset = [...entries].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < byOffset.length; i++) {
    const prev = byOffset[i - 1];
    if (prev.offset + 30 + prev.compressedSize > byOffset[i].offset) throw new Error(`${archive}: entries ${prev.name} and ${byOffset[i].name} overlap; the archive is refused (a zip-bomb construction)`);
  }
  return entries;
}

/** Where an entry's data begins: after its local header, whose name and extra lengths may differ from the directory's. */
async function dataStart(blob: Blob, e: ZipEntry, archive: string): Promise<number> {
  const h = await bytesAt(blob, e.offset, e.offset + 30);
  if (h.byteLength < 30 || h.getUint32(0, true) !== LOCAL) throw new Error(`${archive}: ${e.name} has no local header at ${e.offset}; the archive is damaged`);
  const start = e.offset + 30 + h.getUint16(26, true) + h.getUint16(28, true);
  if (start + e.compressedSize > blob.size) throw new Error(`${archive}: ${e.name} ends past the end of the archive; it is truncated`);
  return start;
}

/**
 * The contents of the chosen entries: stored ones as Blob slices, deflated ones inflated (after
 * the size limits are checked on their declared sizes) and checked against their CRC-32.
 */
export async function extractZipEntries(blob: Blob, archive: string, entries: ZipEntry[], limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<{ name: string; blob: Blob }[]> {
  const inflated = entries.filter((e) => e.method === 8);
  for (const e of inflated) if (e.size > limits.maxInflatedEntry) throw new Error(`${archive}: ${e.name} would inflate to ${MiB(e.size)}, more than the ${MiB(limits.maxInflatedEntry)} allowed for one compressed file`);
  const total = inflated.reduce((a, e) => a + e.size, 0);
  if (total > limits.maxInflatedTotal) throw new Error(`${archive}: its compressed files would inflate to ${MiB(total)} in all, more than the ${MiB(limits.maxInflatedTotal)} allowed`);
  const out: { name: string; blob: Blob }[] = [];
  for (const e of entries) {
    const start = await dataStart(blob, e, archive);
    const raw = blob.slice(start, start + e.compressedSize);
    if (e.method === 0) {
      // Small stored files are checked too; a stored safetensors is read slice by slice later,
      // where its header and every tensor's range are checked.
      if (e.size <= STORED_CRC_LIMIT && crc32(new Uint8Array(await raw.arrayBuffer())) !== e.crc) throw new Error(`${archive}: ${e.name} fails its CRC-32 check; the archive is damaged`);
      out.push({ name: e.name, blob: raw });
      continue;
    }
    let data: Uint8Array;
    try {
      data = inflateSync(new Uint8Array(await raw.arrayBuffer()), { out: new Uint8Array(e.size + 1) });
    } catch (err) {
      throw new Error(`${archive}: ${e.name} does not inflate (${(err as Error).message}); the archive is damaged`);
    }
    if (data.length !== e.size) throw new Error(`${archive}: ${e.name} inflates to ${data.length > e.size ? 'more than' : data.length + ' bytes, not'} the ${e.size} bytes its directory declares; the archive is refused`);
    if (crc32(data) !== e.crc) throw new Error(`${archive}: ${e.name} fails its CRC-32 check; the archive is damaged`);
    out.push({ name: e.name, blob: new Blob([data as Uint8Array<ArrayBuffer>]) });
  }
  return out;
}
