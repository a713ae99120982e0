import { describe, expect, it } from 'vitest';
import { deviceGone, firstLine } from './harness';

describe('bench harness', () => {
  it('replaces a page whose WebGPU instance or device is gone, and keeps one that only threw', () => {
    // The message the 135M bench's 50M slope step got after the 135M stages (Chromium, SwiftShader).
    expect(deviceGone("Failed to execute 'mapAsync' on 'GPUBuffer': A valid external Instance reference no longer exists.")).toBe(true);
    expect(deviceGone('the WebGPU device was lost: unknown')).toBe(true);
    expect(deviceGone('corpus eng-brown has 12 training tokens, fewer than one sequence of seqLen 64')).toBe(false);
    expect(deviceGone('no result within 600 s')).toBe(false);
  });

  it("gives an error's first non-empty line without Playwright's prefix", () => {
    expect(firstLine(new Error('page.evaluate: Error: out of memory\n    at x'))).toBe('out of memory');
    expect(firstLine('\n\nsecond')).toBe('second');
  });
});
