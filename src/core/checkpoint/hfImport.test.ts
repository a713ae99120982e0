import { describe, expect, it } from 'vitest';
import { classifyImportFiles, configFromHf, planWeights, readPlannedWeights, type ImportSource } from './hfImport';
import { hfConfigJson } from './hfExport';
import { decodeSafetensors, encodeSafetensors, firstDuplicateKey, type NamedTensor, readSafetensorsHeader } from './safetensors';
import { readTensors } from './tensors';
import { tinyModel } from '../testing/fixtures';
import type { LlamaConfig } from '../model/config';
import { MODEL_PRESETS } from '../model/config';

const SMOLLM2_135M = {
  architectures: ['LlamaForCausalLM'], model_type: 'llama', attention_bias: false, attention_dropout: 0, bos_token_id: 0, eos_token_id: 0,
  hidden_act: 'silu', hidden_size: 576, initializer_range: 0.041666666666666664, intermediate_size: 1536, is_llama_config: true,
  max_position_embeddings: 8192, mlp_bias: false, num_attention_heads: 9, num_hidden_layers: 30, num_key_value_heads: 3, pretraining_tp: 1,
  rms_norm_eps: 1e-5, rope_interleaved: false, rope_scaling: null, rope_theta: 100000, tie_word_embeddings: true, torch_dtype: 'bfloat16',
  transformers_version: '4.40.1', use_cache: true, vocab_size: 49152,
};

const src = (name: string, bytes: Uint8Array | string): ImportSource => ({ name, blob: new Blob([bytes as Uint8Array<ArrayBuffer>]) });

async function modelTensors(over: Partial<LlamaConfig> = {}): Promise<{ config: LlamaConfig; tensors: NamedTensor[] }> {
  const m = tinyModel({ vocab_size: 40, ...over }, 3, 1);
  return { config: m.config, tensors: await readTensors(m.params) };
}

async function importAll(sources: ImportSource[], index: string | undefined, config: LlamaConfig) {
  const plan = await planWeights(sources, index, config);
  const seen: string[] = [];
  const blob = await readPlannedWeights(plan, (name) => void seen.push(name));
  return { plan, seen, tensors: decodeSafetensors(new Uint8Array(await blob.arrayBuffer())).tensors };
}

describe('config.json mapping', () => {
  it('reads SmolLM2-135M\'s config', () => {
    const { config, specialIds, architecture } = configFromHf(JSON.stringify(SMOLLM2_135M));
    expect(architecture).toBe('LlamaForCausalLM');
    expect(config).toEqual({ hidden_size: 576, intermediate_size: 1536, num_hidden_layers: 30, num_attention_heads: 9, num_key_value_heads: 3, rms_norm_eps: 1e-5, rope_theta: 100000, max_position_embeddings: 8192, vocab_size: 49152, tie_word_embeddings: true, hidden_act: 'silu', logit_scale: 1 });
    expect(specialIds).toEqual({ bos: 0, eos: 0, pad: undefined });
  });

  it('maps both ways: export then import gives the same config (a logit scale is folded into the weights, so it comes back as 1)', () => {
    for (const p of MODEL_PRESETS) {
      for (const c of [p.config, { ...p.config, logit_scale: 0.5, tie_word_embeddings: false, hidden_act: 'gelu' as const }]) {
        expect(configFromHf(JSON.stringify(hfConfigJson(c, 'BF16'))).config).toEqual({ ...c, logit_scale: 1 });
      }
    }
  });

  it('still reads studio_logit_scale from files earlier versions exported', () => {
    const r = configFromHf(JSON.stringify({ ...hfConfigJson(MODEL_PRESETS[0].config, 'F32'), studio_logit_scale: 0.5 }));
    expect(r.config.logit_scale).toBe(0.5);
    expect(r.notes.join()).toMatch(/studio_logit_scale 0.5 restored/);
  });

  it('takes Mistral, limiting sequences to the sliding window', () => {
    const mistral = { architectures: ['MistralForCausalLM'], hidden_size: 64, intermediate_size: 128, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 1, vocab_size: 100, max_position_embeddings: 32768, sliding_window: 4096, rope_theta: 10000 };
    const r = configFromHf(JSON.stringify(mistral));
    expect(r.config.max_position_embeddings).toBe(4096);
    expect(r.config.tie_word_embeddings).toBe(false);
    expect(r.notes.join()).toMatch(/sliding_window 4096/);
  });

  it('refuses other architectures and what the model cannot run, naming the field', () => {
    const bad = (over: object) => () => configFromHf(JSON.stringify({ ...SMOLLM2_135M, ...over }));
    expect(bad({ architectures: ['Qwen2ForCausalLM'] })).toThrow(/config.json: architectures \["Qwen2ForCausalLM"\] is not supported; supported: LlamaForCausalLM, MistralForCausalLM/);
    expect(bad({ rope_scaling: { rope_type: 'llama3', factor: 32 } })).toThrow(/rope_scaling .* plain RoPE/);
    expect(bad({ attention_bias: true })).toThrow(/attention_bias true is not supported/);
    expect(bad({ head_dim: 128 })).toThrow(/head_dim 128 .* = 64/);
    expect(bad({ hidden_act: 'gelu_pytorch_tanh' })).toThrow(/hidden_act "gelu_pytorch_tanh" .* 'silu', 'gelu'/);
    expect(bad({ num_key_value_heads: 4 })).toThrow(/config.json: .*num_key_value_heads \(4\) must divide/);
    expect(() => configFromHf('{"architectures": [', 'model/config.json')).toThrow(/model\/config.json is not valid JSON/);
  });
});

describe('safetensors import', () => {
  it('reads one F16 file tensor by tensor, values rounded as F16', async () => {
    const { config, tensors } = await modelTensors();
    const { tensors: back, seen, plan } = await importAll([src('model.safetensors', encodeSafetensors(tensors, {}, 'F16'))], undefined, config);
    expect(plan.dtypes).toEqual(['F16']);
    expect(seen).toHaveLength(tensors.length);
    const expected = decodeSafetensors(encodeSafetensors(tensors, {}, 'F16')).tensors;
    for (const t of expected) expect(Array.from(back.find((b) => b.name === t.name)!.data)).toEqual(Array.from(t.data));
  });

  it('reads sharded BF16 files through the index exactly as the single file', async () => {
    const { config, tensors } = await modelTensors({ tie_word_embeddings: false });
    const half = Math.floor(tensors.length / 2);
    const shards = [tensors.slice(0, half), tensors.slice(half)];
    const names = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];
    const index = JSON.stringify({ metadata: { total_size: 0 }, weight_map: Object.fromEntries(shards.flatMap((s, i) => s.map((t) => [t.name, names[i]]))) });
    const sharded = await importAll(shards.map((s, i) => src(names[i], encodeSafetensors(s, {}, 'BF16'))), index, config);
    const single = await importAll([src('model.safetensors', encodeSafetensors(tensors, {}, 'BF16'))], undefined, config);
    expect(sharded.tensors.map((t) => [t.name, Array.from(t.data)])).toEqual(single.tensors.map((t) => [t.name, Array.from(t.data)]));
    await expect(planWeights([src(names[0], encodeSafetensors(shards[0]))], index, config)).rejects.toThrow(/index.json names model-00002-of-00002.safetensors, which is not among the files/);
    await expect(planWeights(shards.map((s, i) => src(names[i], encodeSafetensors(s))), undefined, config)).rejects.toThrow(/2 safetensors files .* need model.safetensors.index.json/);
  });

  it('skips a stored tied head and rotary caches, saying so', async () => {
    const { config, tensors } = await modelTensors();
    const extra = [...tensors, { name: 'lm_head.weight', shape: [40, 16], data: new Float32Array(640) }, { name: 'model.layers.0.self_attn.rotary_emb.inv_freq', shape: [2], data: new Float32Array(2) }];
    const { plan } = await importAll([src('model.safetensors', encodeSafetensors(extra))], undefined, config);
    expect(plan.skipped.join('\n')).toMatch(/lm_head.weight \(tie_word_embeddings/);
    expect(plan.skipped.join('\n')).toMatch(/inv_freq/);
  });

  it('names the file and the problem for malformed files', async () => {
    const { config, tensors } = await modelTensors();
    const good = encodeSafetensors(tensors);
    const plan = (bytes: Uint8Array) => planWeights([src('model.safetensors', bytes)], undefined, config);
    await expect(plan(good.slice(0, good.length - 100))).rejects.toThrow(/model.safetensors: tensor .* offsets .* inside/);
    const bigHeader = good.slice();
    new DataView(bigHeader.buffer).setBigUint64(0, BigInt(good.length * 2), true);
    await expect(plan(bigHeader)).rejects.toThrow(/model.safetensors: header length \d+ is larger than the file/);
    await expect(plan(good.slice(0, 5))).rejects.toThrow(/model.safetensors: too short/);
    const header = (h: object, data = 64) => {
      const json = new TextEncoder().encode(JSON.stringify(h));
      const out = new Uint8Array(8 + json.length + data);
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
      out.set(json, 8);
      return out;
    };
    await expect(plan(header({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] }, b: { dtype: 'F32', shape: [4], data_offsets: [8, 24] } }))).rejects.toThrow(/tensors a \[0, 16\] and b \[8, 24\] overlap/);
    await expect(plan(header({ a: { dtype: 'F32', shape: [4], data_offsets: [60, 76] } }))).rejects.toThrow(/tensor a has offsets \[60, 76\]/);
    await expect(plan(header({ a: { dtype: 'F8_E4M3', shape: [4], data_offsets: [0, 4] } }))).rejects.toThrow(/tensor a has dtype F8_E4M3; supported: F32, F16, BF16, I32/);
    const missing = encodeSafetensors(tensors.filter((t) => t.name !== 'model.norm.weight'));
    await expect(plan(missing)).rejects.toThrow(/model.safetensors does not match its config: missing model.norm.weight/);
    const wrongShape = await modelTensors({ intermediate_size: 20 });
    await expect(plan(encodeSafetensors(wrongShape.tensors))).rejects.toThrow(/mlp.gate_proj.weight has shape \[20,16\], config needs \[24,16\]/);
  });

  it('sorts files by role, by base name', () => {
    const set = classifyImportFiles(['smol/config.json', 'smol/model.safetensors', 'smol/tokenizer.json', 'smol/README.md'].map((n) => src(n, '{}')));
    expect([set.config?.name, set.tokenizer?.name, set.safetensors.map((s) => s.name), set.ignored]).toEqual(['config.json', 'tokenizer.json', ['model.safetensors'], ['README.md']]);
    expect(() => classifyImportFiles([src('a/config.json', ''), src('b/config.json', '')])).toThrow(/two files named config.json/);
  });
});

describe('poisoned safetensors (issue 16 item 4)', () => {
  /** A file whose header is the given text, padded, with `data` bytes after it. */
  const withHeader = (header: string, data = 8) => {
    const json = new TextEncoder().encode(header);
    const out = new Uint8Array(8 + json.length + data);
    new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
    out.set(json, 8);
    return out;
  };

  it('names every bad header field in a sentence, never a JavaScript internal', () => {
    const read = (h: string) => () => readSafetensorsHeader(withHeader(h), 'model.safetensors');
    expect(read('null')).toThrow(/model.safetensors: the header must be a JSON object of tensor names, got null/);
    expect(read('[1]')).toThrow(/got a list/);
    expect(read('{"w": {"dtype": "F32", "shape": [2], "data_offsets": {"a": 0}}}')).toThrow(/tensor w has data_offsets \{"a":0\}; it must be \[begin, end\]/);
    expect(read('{"w": {"dtype": "F32", "shape": [2], "data_offsets": 8}}')).toThrow(/tensor w has data_offsets 8; it must be \[begin, end\]/);
    expect(read('{"__metadata__": {"format": 1}}')).toThrow(/__metadata__ must be an object of strings/);
    expect(read('{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "w": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}')).toThrow(/the header names tensor w twice/);
    // Keys inside an entry, and escaped quotes in names, are not top-level duplicates.
    expect(firstDuplicateKey('{"a\\"b": {"dtype": "x", "shape": [1]}, "c": {"dtype": "y", "shape": [2]}}')).toBeUndefined();
  });

  it('refuses NaN or ±Inf in any dtype at import, naming the tensor and the count', async () => {
    const { config, tensors } = await modelTensors();
    for (const dtype of ['F32', 'F16', 'BF16'] as const) {
      const poisoned = tensors.map((t) => (t.name === 'model.norm.weight' ? { ...t, data: Float32Array.from(t.data, (x, i) => (i === 0 ? NaN : i === 1 ? Infinity : i === 2 ? -Infinity : x)) } : t));
      await expect(importAll([src('model.safetensors', encodeSafetensors(poisoned, {}, dtype))], undefined, config)).rejects.toThrow(/model.safetensors: tensor model.norm.weight holds 3 non-finite value\(s\) \(NaN or ±Inf\)/);
    }
  });
});

