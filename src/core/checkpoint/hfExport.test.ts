import { describe, expect, it } from 'vitest';
import { exportCheckpointFiles, hfConfigJson } from './hfExport';
import { byteTokenizerJson, bytesToUnicode } from '../tokenizer/byte';
import { decodeSafetensors } from './safetensors';
import { encodeParams } from './tensors';
import { tinyModel } from '../testing/fixtures';
import { countParameters } from '../model/weights';

describe('Hugging Face export', () => {
  it('maps every byte to a distinct printable character, as GPT-2 does', () => {
    const m = bytesToUnicode();
    expect(new Set(m).size).toBe(256);
    expect(m[65]).toBe('A');
    expect(m[32]).toBe('Ġ'); // space
    expect(m[10]).toBe('Ċ'); // newline
    const vocab = (byteTokenizerJson().model as { vocab: Record<string, number> }).vocab;
    expect(Object.keys(vocab)).toHaveLength(256);
    expect(vocab['Ġ']).toBe(32);
  });

  it('writes safetensors with HF names in F16, a loadable config and the lineage', async () => {
    const model = tinyModel({ vocab_size: 259, logit_scale: 0.5 }, 2, 2);
    const m = { formatVersion: 1 as const, id: 'c', name: 'x', createdAt: 'now', config: model.config, tokenizer: { kind: 'byte' as const }, parents: ['p'], origin: { method: 'grow:hyperclone', params: { factor: 2 } }, tensorsKey: 'k', bytes: 0, parameterCount: countParameters(model.config).total };
    const files = exportCheckpointFiles(m, await encodeParams(model.params), 'F16');
    expect(files.map((f) => f.name)).toEqual(['model.safetensors', 'config.json', 'tokenizer.json', 'tokenizer_config.json', 'studio.json']);
    const st = decodeSafetensors(files[0].bytes);
    expect(st.tensors.every((t) => t.dtype === 'F16')).toBe(true);
    expect(st.tensors.map((t) => t.name)).toContain('model.layers.1.self_attn.k_proj.weight');
    const config = JSON.parse(new TextDecoder().decode(files[1].bytes));
    expect(config).toMatchObject({ architectures: ['LlamaForCausalLM'], hidden_size: 16, num_key_value_heads: 2, head_dim: 4, torch_dtype: 'float16', studio_logit_scale: 0.5 });
    const studio = JSON.parse(new TextDecoder().decode(files[4].bytes));
    expect(studio.parents).toEqual(['p']);
    expect(studio.note).toMatch(/studio_logit_scale/);
    expect(hfConfigJson({ ...model.config, logit_scale: 1 }, 'F32')).not.toHaveProperty('studio_logit_scale');
    const bytes = await encodeParams(model.params);
    expect(() => exportCheckpointFiles(m, bytes, 'F8' as never)).toThrow(/dtype must be one of F32, F16, BF16/);
  });
});
