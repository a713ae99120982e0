import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from './config';
import { activationFloats, DEFAULT_MEMORY_BUDGET_BYTES, estimateMemory, memoryWarnings } from './memory';
import { countParameters } from './weights';

// DEFAULT_CONFIG: d=64, MLP 128, 2 layers, 4 heads / 2 KV heads (head 16), byte vocab 259, tied.
describe('estimateMemory: what a config costs before it is created', () => {
  const e = estimateMemory(DEFAULT_CONFIG, 8, 64);

  it('counts parameters and float32 weights from the architecture table', () => {
    // embed 259·64 + 2 × (2·64 norms + q 64·64 + k, v 32·64 + o 64·64 + 3 × 128·64) + final norm 64
    expect(e.parameters).toBe(16576 + 2 * 36992 + 64);
    expect(e.parameters).toBe(countParameters(DEFAULT_CONFIG).total);
    expect(e.weightsBytes).toBe(4 * 90624);
  });

  it('counts the activations of a batch × seq layer by layer', () => {
    // per layer and token 6·64 + 2·64 + 2·32 + 4·128 = 1088; per layer and sequence 2·4·64·64;
    // logits and their softmax 2·259 and the final norm 64 per token; 512 tokens
    expect(activationFloats(DEFAULT_CONFIG, 8, 64)).toBe(2 * (512 * 1088 + 8 * 32768) + 512 * (518 + 64));
    expect(e.training.activations).toBe(4 * 1936384);
  });

  it('adds weights, gradients and both AdamW moments to the activations', () => {
    expect(e.training).toMatchObject({ weights: 362496, gradients: 362496, optimizer: 724992 });
    expect(e.training.total).toBe(4 * 362496 + 4 * 1936384);
  });

  it('finds the largest buffer a step needs: here the logits, not a weight', () => {
    expect(e.largestBuffer).toEqual({ name: 'logits', shape: [8, 64, 259], bytes: 4 * 8 * 64 * 259, split: 'positions' });
    const wide = estimateMemory({ ...DEFAULT_CONFIG, vocab_size: 50000, hidden_size: 1024, num_attention_heads: 16, num_key_value_heads: 4 }, 1, 8);
    expect(wide.largestBuffer.name).toBe('model.embed_tokens.weight');
  });

  it('stores a checkpoint as the float32 weights and a safetensors header', () => {
    expect(e.storedBytes).toBeGreaterThan(e.weightsBytes);
    expect(e.storedBytes - e.weightsBytes).toBeLessThan(4096);
    expect((e.storedBytes - e.weightsBytes) % 8).toBe(0);
  });

  it('grows as hidden_size grows', () => {
    expect(estimateMemory({ ...DEFAULT_CONFIG, hidden_size: 128 }, 8, 64).parameters).toBeGreaterThan(e.parameters);
  });
});

describe('memoryWarnings: what the device cannot hold', () => {
  const e = estimateMemory(DEFAULT_CONFIG, 8, 64);

  it('says nothing when everything fits or the device says nothing', () => {
    expect(memoryWarnings(e, {})).toEqual([]);
    expect(memoryWarnings(e, { maxBufferBytes: 2 ** 30, maxBindingBytes: 2 ** 30, memoryBytes: 2 ** 33, storageFreeBytes: 2 ** 30 })).toEqual([]);
  });

  it('names the buffer and the tighter GPU limit, and the buffers split under it', () => {
    const w = memoryWarnings(e, { maxBufferBytes: 2 ** 30, maxBindingBytes: 2 ** 18 });
    // 512 positions x 259 logits in tiles of floor(2^18 / (4 x 259)) = 253 positions: 3 tiles; the attention scores are not split.
    expect(w).toEqual([
      { what: 'buffer', message: 'attention scores [8, 4, 64, 64] needs one 0.52 MB GPU buffer; this GPU allows at most 0.26 MB (maxStorageBufferBindingSize)' },
      { what: 'split', message: "over this GPU's 0.26 MB binding limit (maxStorageBufferBindingSize): logits [8, 64, 259] (0.53 MB) is split into 3 tiles of positions and vocabulary" },
    ]);
  });

  it('reports a vocabulary weight over the limit as split into row shards, not as not fitting', () => {
    // SmolLM2-135M grown x2 by HyperCloning: a 49152 x 1152 embedding (226 MB) under WebGPU's default 128 MiB.
    const grown = { ...DEFAULT_CONFIG, vocab_size: 49152, hidden_size: 1152, intermediate_size: 3072, num_hidden_layers: 30, num_attention_heads: 18, num_key_value_heads: 6, max_position_embeddings: 2048 };
    const w = memoryWarnings(estimateMemory(grown, 1, 256), { maxBindingBytes: 2 ** 27, maxBufferBytes: 2 ** 28, memoryBytes: 2 ** 36 });
    expect(w).toEqual([{ what: 'split', message: "over this GPU's 134.2 MB binding limit (maxStorageBufferBindingSize): model.embed_tokens.weight [49152, 1152] (226.5 MB) is split into 2 row shards" }]);
    // A row of 2^26 floats cannot be split by rows: that stays a buffer that does not fit.
    const absurd = { ...grown, hidden_size: 2 ** 26, num_attention_heads: 1, num_key_value_heads: 1, num_hidden_layers: 1, intermediate_size: 1, vocab_size: 4 };
    expect(memoryWarnings(estimateMemory(absurd, 1, 2), { maxBindingBytes: 2 ** 27 }).find((x) => x.what === 'buffer')?.message).toMatch(/needs one .* GPU buffer/);
  });

  it('compares training against the device memory, or the stated tab budget when unknown', () => {
    expect(memoryWarnings(e, { memoryBytes: 2 ** 20 }).map((w) => w.what)).toEqual(['training']);
    const big = estimateMemory({ ...DEFAULT_CONFIG, hidden_size: 4096, intermediate_size: 11008, num_hidden_layers: 8, num_attention_heads: 32, num_key_value_heads: 8 }, 8, 128);
    expect(big.training.total).toBeGreaterThan(DEFAULT_MEMORY_BUDGET_BYTES);
    expect(memoryWarnings(big, {})[0].message).toMatch(/more than 4\.3 GB, the studio's budget for one browser tab/);
  });

  it('warns when the checkpoint does not fit the storage left', () => {
    expect(memoryWarnings(e, { storageFreeBytes: 1000 }).map((w) => w.what)).toEqual(['storage']);
  });
});
