import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { exportCheckpointFiles, foldLogitScale } from './hfExport';
import { configFromHf } from './hfImport';
import { growWeights, planGrowth } from '../growth/grow';
import { scoreTexts } from '../eval/score';
import { ByteTokenizer } from '../tokenizer/byte';
import type { LlamaModel } from '../model/llama';
import { byteTokenizerJson, bytesToUnicode } from '../tokenizer/byte';
import { decodeSafetensors } from './safetensors';
import { encodeParams } from './tensors';
import { tinyModel } from '../testing/fixtures';
import { countParameters } from '../model/weights';
import { referenceKernels } from '../kernels';

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
    expect(config).toMatchObject({ architectures: ['LlamaForCausalLM'], hidden_size: 16, num_key_value_heads: 2, head_dim: 4, torch_dtype: 'float16' });
    expect(config).not.toHaveProperty('studio_logit_scale');
    const studio = JSON.parse(new TextDecoder().decode(files[4].bytes));
    expect(studio.parents).toEqual(['p']);
    expect(studio.note).toMatch(/folded into model.norm.weight/);
    const bytes = await encodeParams(model.params);
    expect(() => exportCheckpointFiles(m, bytes, 'F8' as never)).toThrow(/dtype must be one of F32, F16, BF16/);
  });

  it('folds a HyperCloned tied head\'s logit scale into model.norm.weight, so the files score in transformers as in the studio', async () => {
    // A trained-looking byte-level parent, HyperCloned x2 with a tied head: logit_scale 1/2.
    const parent = tinyModel({ vocab_size: 259, tie_word_embeddings: true, max_position_embeddings: 64 }, 4, 6);
    const plan = planGrowth(parent.config, { method: 'hyperclone', factor: 2 });
    const weights = new Map(Object.entries(parent.params).map(([n, t]) => [n, { shape: t.shape.slice(), data: t.dataSync() as Float32Array }]));
    const grown = growWeights(parent.config, weights, plan);
    expect(grown.config.logit_scale).toBe(0.5);
    const grownModel: LlamaModel = { config: grown.config, params: Object.fromEntries([...grown.weights].map(([n, w]) => [n, tf.tensor(w.data, w.shape)])) };
    const m = { formatVersion: 1 as const, id: 'g', name: 'grown', createdAt: 'now', config: grown.config, tokenizer: { kind: 'byte' as const }, parents: [], origin: { method: 'grow:hyperclone', params: { factor: 2 } }, tensorsKey: 'k', bytes: 0, parameterCount: countParameters(grown.config).total };
    const files = exportCheckpointFiles(m, await encodeParams(grownModel.params), 'F32');
    // As transformers loads it: config.json's own fields (nothing named studio_*), the tensors as stored.
    const hf = JSON.parse(new TextDecoder().decode(files[1].bytes)) as Record<string, unknown>;
    const transformersFields = Object.fromEntries(Object.entries(hf).filter(([k]) => !k.startsWith('studio_')));
    const loaded: LlamaModel = {
      config: configFromHf(JSON.stringify(transformersFields)).config,
      params: Object.fromEntries(decodeSafetensors(files[0].bytes).tensors.map((t) => [t.name, tf.tensor(t.data, t.shape)])),
    };
    const texts = ['The cat sat on the mat.', 'Colourless green ideas sleep furiously.', 'a'];
    const tok = new ByteTokenizer();
    const studio = await scoreTexts(grownModel, tok, texts, referenceKernels);
    const transformers = await scoreTexts(loaded, tok, texts, referenceKernels);
    for (let i = 0; i < texts.length; i++) expect(Math.abs(transformers[i] - studio[i])).toBeLessThan(1e-4 * Math.abs(studio[i]));
    // The fold is the whole difference: without it the same weights score far away.
    const unfolded: LlamaModel = { config: loaded.config, params: { ...loaded.params, 'model.norm.weight': grownModel.params['model.norm.weight'] } };
    const wrong = await scoreTexts(unfolded, tok, texts, referenceKernels);
    expect(Math.abs(wrong[0] - studio[0])).toBeGreaterThan(1);
    tf.dispose([...Object.values(grownModel.params), ...Object.values(loaded.params), ...Object.values(parent.params)]);
  });

  it('leaves a scale of 1 alone and refuses a fold without a final norm', () => {
    const t = [{ name: 'model.norm.weight', shape: [2], data: Float32Array.of(1, 2) }];
    expect(foldLogitScale(t, 1)).toBe(t);
    expect(Array.from(foldLogitScale(t, 0.5)[0].data)).toEqual([0.5, 1]);
    expect(() => foldLogitScale([{ name: 'x', shape: [1], data: Float32Array.of(1) }], 0.5)).toThrow(/no model.norm.weight/);
  });
});
