// What the engine holds: models (loaded from the studio's checkpoints or imported from Hugging
// Face safetensors), the tokenizers they use and the corpora they train and score on.
import * as tf from '@tensorflow/tfjs';
import type { LlamaConfig } from '../../core/model/config';
import { weightSpecs } from '../../core/model/weights';
import { placeWeight } from '../../core/model/shards';
import type { TokenizerSpec } from '../../core/tokenizer/tokenizer';
import type { HfTokenizerFiles } from '../../core/tokenizer/hf';
import { blobTensorReader } from '../../core/checkpoint/blobReader';
import { keepableDtype, planWeights, readPlannedWeights, type ImportSource } from '../../core/checkpoint/hfImport';
import type { Engine, Handlers } from '../engine';

export interface ModelsRequests {
  /** Tensors are read from the Blob one at a time straight into backend tensors. */
  loadModel: { args: { modelId: string; config: LlamaConfig; tokenizer: TokenizerSpec; tensors: Blob }; result: null };
  /** An imported tokenizer's files; needed before any model that uses it loads. */
  loadTokenizer: { args: { spec: Extract<TokenizerSpec, { kind: 'hf' }>; files: HfTokenizerFiles }; result: null };
  /**
   * Imports Hugging Face safetensors (one file or shards + index text) as model modelId, kept
   * loaded; returns the studio's F32 safetensors to store. Progress arrives as jobProgress bytes.
   */
  importWeights: { args: { jobId: string; modelId: string; config: LlamaConfig; tokenizer: TokenizerSpec; sources: ImportSource[]; indexText?: string; keepDtype?: boolean }; result: { blob: Blob; skipped: string[]; dtypes: string[]; sourceBytes: number; stored: 'F32' | 'F16' | 'BF16' } };
  tokenize: { args: { modelId: string; text: string }; result: number[] };
  unloadModel: { args: { modelId: string }; result: null };
  /** UTF-8 text, one sentence or paragraph a line; train may be left out for evaluation only. */
  loadCorpus: { args: { corpusId: string; train?: ArrayBuffer; valid: ArrayBuffer }; result: { trainChars: number; validChars: number } };
}

/** Fills a fresh parameter record; on failure disposes what was made so far, so nothing leaks. */
async function buildParams<T>(fill: (params: Record<string, tf.Tensor>) => Promise<T>): Promise<{ params: Record<string, tf.Tensor>; filled: T }> {
  const params: Record<string, tf.Tensor> = {};
  try {
    return { params, filled: await fill(params) };
  } catch (e) {
    for (const t of Object.values(params)) t.dispose();
    throw e;
  }
}

export function modelsService(engine: Engine): Handlers<ModelsRequests> {
  /** One weight into the engine, in row shards where it exceeds the backend's binding limit (model/shards.ts). */
  const place = (params: Record<string, tf.Tensor>, name: string, shape: number[], data: Float32Array) => {
    for (const [n, t] of placeWeight((d, s) => tf.tensor(d, s), name, data, shape, engine.kernels.bindingLimitBytes)) params[n] = t;
  };
  return {
    async loadModel(a) {
      const tokenizer = engine.texts.tokenizer(a.tokenizer);
      const { read } = await blobTensorReader(a.tensors, `checkpoint ${a.modelId}`, a.config);
      engine.unloadModel(a.modelId);
      const { params } = await buildParams(async (params) => {
        for (const spec of weightSpecs(a.config)) place(params, spec.name, spec.shape, await read(spec.name));
      });
      engine.models.set(a.modelId, { config: a.config, params, tokenizer });
      return null;
    },

    loadTokenizer(a) {
      engine.texts.addTokenizer(a.spec, a.files);
      return null;
    },

    async importWeights(a) {
      const tokenizer = engine.texts.tokenizer(a.tokenizer);
      const plan = await planWeights(a.sources, a.indexText, a.config);
      engine.unloadModel(a.modelId);
      const { params, filled: blob } = await buildParams((params) => readPlannedWeights(plan, (name, shape, data) => place(params, name, shape, data), engine.progress(a.jobId), a.keepDtype));
      engine.models.set(a.modelId, { config: a.config, params, tokenizer });
      const stored = (a.keepDtype && keepableDtype(plan)) || 'F32';
      return { blob, skipped: plan.skipped, dtypes: plan.dtypes, sourceBytes: plan.sourceBytes, stored };
    },

    tokenize(a) {
      const m = engine.model(a.modelId);
      return [m.tokenizer.bos, ...m.tokenizer.encode(a.text)];
    },

    unloadModel(a) {
      engine.unloadModel(a.modelId);
      return null;
    },

    async loadCorpus(a) {
      const decode = (b: ArrayBuffer) => new TextDecoder().decode(b);
      return engine.texts.addCorpus(a.corpusId, decode(a.valid), a.train ? decode(a.train) : undefined);
    },
  };
}
