import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, readSafetensorsHeader } from './safetensors';

describe('safetensors', () => {
  const tensors = [
    { name: 'model.embed_tokens.weight', shape: [2, 3], data: Float32Array.from([1, -2.5, 3.25, 1e-3, 65504, -0]) },
    { name: 'model.norm.weight', shape: [3], data: Float32Array.from([1, 1, 0.5]) },
  ];

  it('round trips F32 exactly, with metadata and an 8-byte aligned data section', () => {
    const bytes = encodeSafetensors(tensors, { format: 'pt', studio: '{"a":1}' });
    const h = readSafetensorsHeader(bytes);
    expect(h.dataStart % 8).toBe(0);
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ format: 'pt', studio: '{"a":1}' });
    expect(back.tensors.map((t) => [t.name, t.shape, Array.from(t.data)])).toEqual(tensors.map((t) => [t.name, t.shape, Array.from(t.data)]));
  });

  it('writes the reference layout: u64 header length, JSON header, little-endian data', () => {
    const bytes = encodeSafetensors([{ name: 'x', shape: [1], data: Float32Array.from([1]) }]);
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header.x).toEqual({ dtype: 'F32', shape: [1], data_offsets: [0, 4] });
    expect(Array.from(bytes.subarray(8 + n))).toEqual([0, 0, 0x80, 0x3f]);
  });

  it('converts to F16 and BF16 with round-to-nearest and back', () => {
    for (const [dtype, tol] of [['F16', 1e-3], ['BF16', 8e-3]] as const) {
      const back = decodeSafetensors(encodeSafetensors(tensors, {}, dtype)).tensors;
      expect(back[0].dtype).toBe(dtype);
      back[0].data.forEach((v, i) => expect(Math.abs(v - tensors[0].data[i])).toBeLessThanOrEqual(tol * Math.abs(tensors[0].data[i]) + 1e-4));
    }
    // Known bit patterns: 1.0 is 0x3c00 in F16 and 0x3f80 in BF16.
    const f16 = encodeSafetensors([{ name: 'x', shape: [1], data: Float32Array.from([1]) }], {}, 'F16');
    expect(Array.from(f16.subarray(f16.length - 2))).toEqual([0x00, 0x3c]);
    const bf16 = encodeSafetensors([{ name: 'x', shape: [1], data: Float32Array.from([1]) }], {}, 'BF16');
    expect(Array.from(bf16.subarray(bf16.length - 2))).toEqual([0x80, 0x3f]);
  });

  it('rejects damaged files with a message naming the problem', () => {
    expect(() => readSafetensorsHeader(new Uint8Array(4), 'x.safetensors')).toThrow(/x.safetensors: too short/);
    const good = encodeSafetensors(tensors);
    expect(() => decodeSafetensors(good.subarray(0, good.length - 4), 'cut.safetensors')).toThrow(/cut.safetensors: tensor model.norm.weight has offsets/);
    const junk = new Uint8Array(32);
    new DataView(junk.buffer).setBigUint64(0, 1000n, true);
    expect(() => readSafetensorsHeader(junk, 'junk')).toThrow(/does not fit a file of 32 bytes/);
  });
});
