// The backup file format: SHA-256 against Node's, a round trip, and refusals of truncated, altered
// and malformed files, each with a sentence naming what is wrong.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { blob, bytesOf, corpusOf, encodeBackup, json, manifestOf, runOf } from '../testing/backupFixtures';
import { BackupError, blobSource, PREAMBLE_BYTES } from './format';
import { readBackup } from './read';
import { Sha256, sha256Hex } from './sha256';

const src = (b: Uint8Array) => blobSource(new Blob([b as Uint8Array<ArrayBuffer>]));
const tensors = bytesOf(16);
const snapshot = bytesOf(40, 3);
const payloads = [
  blob('ckpt:a', tensors),
  blob('run:r1:2', snapshot),
  json('manifests', manifestOf('a')),
  json('runs', runOf('r1', 'a', { status: 'interrupted', snapshot: { step: 2, tokens: 16, elapsed: 1, key: 'run:r1:2' } })),
  json('corpora', corpusOf('user-1')),
];
const file = encodeBackup(payloads);

/** The refusal message of reading `bytes`, or 'accepted'. */
async function refusal(bytes: Uint8Array): Promise<string> {
  try {
    await readBackup(src(bytes));
    return 'accepted';
  } catch (e) {
    expect(e).toBeInstanceOf(BackupError);
    return (e as Error).message;
  }
}

describe('sha256', () => {
  it('matches node:crypto for lengths around the block boundaries, fed whole or in pieces', () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 100_003]) {
      const data = bytesOf(n, n);
      const want = createHash('sha256').update(data).digest('hex');
      expect(sha256Hex(data), `length ${n}`).toBe(want);
      const h = new Sha256();
      for (let o = 0; o < n; o += 37) h.update(data.subarray(o, o + 37));
      expect(h.hex(), `length ${n} in 37-byte pieces`).toBe(want);
    }
  });
});

describe('backup format', () => {
  it('reads back what was written: items, their records and blobs', async () => {
    const b = await readBackup(src(file));
    expect(b.items.map((i) => `${i.kind}:${i.id}`)).toEqual(['checkpoint:a', 'run:r1', 'corpus:user-1']);
    expect(b.items[0].record).toEqual(manifestOf('a'));
    expect(b.items[1].blobs).toEqual([{ key: 'run:r1:2', bytes: 40, sha256: sha256Hex(snapshot) }]);
    const e = b.blobs.get('ckpt:a')!;
    expect(new Uint8Array(await new Blob([file as Uint8Array<ArrayBuffer>]).slice(e.offset, e.offset + e.bytes).arrayBuffer())).toEqual(tensors);
    expect(b.payloadBytes).toBe(payloads.reduce((a, p) => a + p.data.length, 0));
  });

  it('refuses a file cut off anywhere, naming where', async () => {
    const headerEnd = file.length - payloads.reduce((a, p) => a + p.data.length, 0);
    expect(await refusal(file.subarray(0, 0))).toMatch(/0 bytes, shorter than a backup's 48-byte preamble/);
    expect(await refusal(file.subarray(0, 30))).toMatch(/shorter than a backup's 48-byte preamble/);
    expect(await refusal(file.subarray(0, PREAMBLE_BYTES + 10))).toMatch(/header is said to be \d+ bytes but only 10 follow the preamble: the file was cut off/);
    expect(await refusal(file.subarray(0, headerEnd))).toMatch(/entry tensors\/ckpt:a \(16 bytes from byte \d+\) runs past the end of the file/);
    expect(await refusal(file.subarray(0, headerEnd + 20))).toMatch(/entry run:r1:2|tensors\/run:r1:2 .* runs past the end/);
    expect(await refusal(file.subarray(0, file.length - 1))).toMatch(/entry corpora\/user-1 .* runs past the end of the file/);
  });

  it('refuses a flipped byte in every part of the file', async () => {
    const flip = (at: number) => {
      const c = file.slice();
      c[at] ^= 0x01;
      return c;
    };
    const headerEnd = file.length - payloads.reduce((a, p) => a + p.data.length, 0);
    expect(await refusal(flip(2))).toMatch(/does not start with the studio backup signature/);
    expect(await refusal(flip(8))).toMatch(/format version 0; this studio reads version 1/);
    expect(await refusal(flip(12))).toMatch(/header/);
    expect(await refusal(flip(20))).toMatch(/header does not match its SHA-256/);
    expect(await refusal(flip(PREAMBLE_BYTES + 30))).toMatch(/header does not match its SHA-256/);
    expect(await refusal(flip(headerEnd + 3))).toMatch(/entry tensors\/ckpt:a \(16 bytes from byte \d+\) does not match its SHA-256: the backup was altered or damaged/);
    expect(await refusal(flip(file.length - 5))).toMatch(/entry corpora\/user-1 .* does not match its SHA-256/);
    expect(await refusal(new Uint8Array([...file, 0]))).toMatch(/1 bytes follow the last entry/);
  });

  it('refuses a header that is not JSON, or whose fields are wrong, with the field named', async () => {
    const withHeader = (text: string) => {
      const h = new TextEncoder().encode(text);
      const out = new Uint8Array(PREAMBLE_BYTES + h.length);
      out.set(file.subarray(0, 8));
      new DataView(out.buffer).setUint32(8, 1, true);
      new DataView(out.buffer).setUint32(12, h.length, true);
      out.set(Buffer.from(sha256Hex(h), 'hex'), 16);
      out.set(h, PREAMBLE_BYTES);
      return out;
    };
    expect(await refusal(withHeader('{"format": "gums-backup", '))).toMatch(/header is not valid UTF-8 JSON/);
    expect(await refusal(withHeader('null'))).toMatch(/format "gums-backup", got null/);
    expect(await refusal(withHeader('{"format":"gums-backup","version":1,"createdAt":"x","entries":{}}'))).toMatch(/field entries must be a list/);
    expect(await refusal(withHeader('{"format":"gums-backup","version":1,"createdAt":"x","entries":[{"store":"secrets","key":"k","bytes":0,"sha256":"00"}]}'))).toMatch(/entries\[0\]\.store is "secrets"; a backup holds tensors, tokenizers/);
    const e0 = `{"store":"corpora","key":"k","bytes":0,"sha256":"${'0'.repeat(64)}"}`;
    expect(await refusal(withHeader(`{"format":"gums-backup","version":1,"createdAt":"x","entries":[{"store":"corpora","key":"k","bytes":-1,"sha256":"${'0'.repeat(64)}"}]}`))).toMatch(/entries\[0\]\.bytes \(corpora\/k\) must be a non-negative integer, got -1/);
    expect(await refusal(withHeader(`{"format":"gums-backup","version":1,"createdAt":"x","entries":[${e0},${e0}]}`))).toMatch(/lists corpora\/k twice/);
  });

  it('refuses records that fail their validators and blobs nobody owns', async () => {
    const bad = (p: typeof payloads) => refusal(encodeBackup(p));
    expect(await bad([blob('ckpt:a', tensors), json('manifests', { ...manifestOf('a'), formatVersion: 2 } as never)])).toMatch(/manifests\/a: checkpoint manifest has formatVersion 2; this studio reads 1/);
    expect(await bad([blob('ckpt:a', tensors), { ...json('manifests', manifestOf('a')), key: 'b' }])).toMatch(/manifests\/b: field id must be the entry's key "b", got "a"/);
    expect(await bad([json('manifests', manifestOf('a'))])).toMatch(/manifests\/a names the blob ckpt:a, which the backup does not hold/);
    expect(await bad([blob('ckpt:a', bytesOf(17)), json('manifests', manifestOf('a'))])).toMatch(/says its tensors are 16 bytes, but the blob ckpt:a is 17/);
    expect(await bad([blob('ckpt:a', tensors), blob('stray', tensors), json('manifests', manifestOf('a'))])).toMatch(/blob tensors\/stray belongs to no checkpoint or run/);
    expect(await bad([json('runs', { ...runOf('r', 'a'), status: 'dancing' } as never)])).toMatch(/runs\/r: field status must be running, paused/);
    expect(await bad([json('tokenizers', { id: 'f'.repeat(64), tokenizer: '{}' } as never)])).toMatch(/tokenizers\/f+: field tokenizer must be files whose SHA-256 is the id/);
    expect(await bad([json('corpora', { ...corpusOf('c'), train: 3 } as never)])).toMatch(/corpora\/c: field train must be a string, got 3/);
  });
});
