// Merging checkpoints tensor by tensor (a method from core/merge's registry), and the diagonal
// Fisher information that Fisher merging weights them by.
import type { LlamaConfig } from '../../core/model/config';
import { blobTensorReader } from '../../core/checkpoint/blobReader';
import { encodeSafetensors, type NamedTensor } from '../../core/checkpoint/safetensors';
import { runMerge, type TensorDiagnostics } from '../../core/merge/merge';
import { mergeMethod } from '../../core/merge/registry';
import type { ParamSettings } from '../../core/merge/settings';
import type { MergeDtype } from '../../core/merge/dtype';
import { diagonalFisher } from '../../core/eval/fisher';
import { joinShards } from '../../core/model/shards';
import type { Engine, Handlers } from '../engine';

export interface MergeRequests {
  /**
   * Merges tensor by tensor from safetensors Blobs (read a slice at a time); with
   * diagnosticsOnly, only measures interference. Progress arrives as jobProgress events.
   */
  merge: { args: { jobId: string; method: string; base?: string; models: { id: string; params: ParamSettings }[]; global: ParamSettings; dtype?: MergeDtype; config: LlamaConfig; baseBlob?: Blob; modelBlobs: Blob[]; fisherBlobs?: Blob[]; diagnosticsOnly: boolean }; result: { tensors?: ArrayBuffer; diagnostics: TensorDiagnostics[] } };
  /** Diagonal Fisher of a loaded model on a corpus's training text, as safetensors. */
  fisher: { args: { jobId: string; modelId: string; corpusId: string; samples: number; seqLen: number; sampledLabels: boolean }; result: { tensors: ArrayBuffer } };
}

export function mergeService(engine: Engine): Handlers<MergeRequests> {
  return {
    async merge(a) {
      const plan = { method: mergeMethod(a.method), base: a.base, models: a.models, global: a.global, dtype: a.dtype };
      const open = (b: Blob, what: string) => blobTensorReader(b, what, a.config).then((r) => r.read);
      const sources = {
        base: a.baseBlob ? await open(a.baseBlob, 'the base model') : undefined,
        models: await Promise.all(a.modelBlobs.map((b, i) => open(b, `model ${a.models[i].id}`))),
        fisher: a.fisherBlobs ? await Promise.all(a.fisherBlobs.map((b, i) => open(b, `the Fisher of ${a.models[i].id}`))) : undefined,
      };
      const out: NamedTensor[] = [];
      const diagnostics = await runMerge(plan, a.config, sources, engine.kernels, (name, shape, data) => out.push({ name, shape, data }), engine.progress(a.jobId), a.diagnosticsOnly);
      if (a.diagnosticsOnly) return { diagnostics };
      return { tensors: encodeSafetensors(out, { format: 'pt' }).buffer as ArrayBuffer, diagnostics };
    },

    async fisher(a) {
      const m = engine.model(a.modelId);
      const train = engine.corpus(a.corpusId, m).train;
      if (!train) throw new Error(`corpus ${a.corpusId} has no training text loaded`);
      const progress = engine.progress(a.jobId);
      const F = await diagonalFisher(m, train, { samples: a.samples, seqLen: a.seqLen, sampledLabels: a.sampledLabels, seed: 0, bos: m.tokenizer.bos }, engine.kernels, (done) => progress(done, a.samples));
      // A weight in row shards has a Fisher per shard; the file holds one per weight (model/shards.ts).
      const named = joinShards(Object.entries(F).map(([name, data]) => ({ name, shape: m.params[name].shape.slice(), data })));
      return { tensors: encodeSafetensors(named, { format: 'pt', fisher: a.sampledLabels ? 'sampled' : 'empirical', samples: String(a.samples) }).buffer as ArrayBuffer };
    },
  };
}
