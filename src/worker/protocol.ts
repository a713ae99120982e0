// The typed protocol between the main thread and the engine worker. Requests carry an id and get
// exactly one response; training streams events. Tensors cross as transferred ArrayBuffers
// (safetensors bytes), metrics in appended batches.
import type { LlamaConfig } from '../core/model/config';
import type { TokenizerSpec } from '../core/tokenizer/tokenizer';
import type { HfTokenizerFiles } from '../core/tokenizer/hf';
import type { ImportSource } from '../core/checkpoint/hfImport';
import type { MetricPoint, TrainSettings } from '../core/train/settings';
import type { MergeParity, MergeParityRun, ParityReport } from '../gpu/parity';
import type { KernelMode, KernelPrecision, kernelStatus } from '../gpu/register';
import type { KernelParity } from '../gpu/kernels/parity';
import type { StepProfile } from '../gpu/profile';
import type { DeviceCeilings, MergeThroughput } from '../gpu/microbench';
import type { ParamValues } from '../core/params';
import type { ParamSettings } from '../core/merge/settings';
import type { MergeDtype } from '../core/merge/dtype';
import type { ModelComparison } from '../core/eval/compare';
import type { MinimalPair } from '../core/eval/suites/types';
import type { PairRule } from '../core/eval/minimalPairs';
import type { TensorDiagnostics } from '../core/merge/merge';
import type { BackendInfo, BackendName } from '../gpu/types';

// The main thread reads what backend started from here, as before the types moved to gpu/.
export type { BackendInfo, BackendName };

export interface GrowOutcome {
  /** safetensors of the grown model. */
  tensors: ArrayBuffer;
  config: LlamaConfig;
  trainable?: string[];
  layerMap?: number[];
  check: ModelComparison & { corpusId: string };
}

export interface MemoryInfo {
  numTensors: number;
  numBytes: number;
}

/** Request name -> its arguments and the result of its response. */
export interface RequestMap {
  init: { args: { backend: BackendName | 'auto' }; result: BackendInfo };
  /** Tensors are read from the Blob one at a time straight into backend tensors. */
  loadModel: { args: { modelId: string; config: LlamaConfig; tokenizer: TokenizerSpec; tensors: Blob }; result: null };
  /** An imported tokenizer's files; needed before any model that uses it loads. */
  loadTokenizer: { args: { spec: Extract<TokenizerSpec, { kind: 'hf' }>; files: HfTokenizerFiles }; result: null };
  /**
   * Imports Hugging Face safetensors (one file or shards + index text) as model modelId, kept
   * loaded; returns the studio's F32 safetensors to store. Progress arrives as jobProgress bytes.
   */
  importWeights: { args: { jobId: string; modelId: string; config: LlamaConfig; tokenizer: TokenizerSpec; sources: ImportSource[]; indexText?: string }; result: { blob: Blob; skipped: string[]; dtypes: string[]; sourceBytes: number } };
  tokenize: { args: { modelId: string; text: string }; result: number[] };
  /** Chooses our WebGPU kernels or the stock tfjs ops (for runs started afterwards); reports which are active. */
  kernels: { args: { mode?: KernelMode; off?: string[]; precision?: KernelPrecision }; result: ReturnType<typeof kernelStatus> };
  /** Each of our kernels against its CPU reference on the active backend. */
  kernelParity: { args: Record<string, never>; result: KernelParity[] };
  /** One training step of a fresh model under tfjs's profiler, with the current kernel mode. */
  profileStep: { args: { config: LlamaConfig; batchSize: number; seqLen: number }; result: StepProfile };
  /** One scoring batch (forward pass and target log-probabilities) of a fresh model under tfjs's profiler. */
  profileScoring: { args: { config: LlamaConfig; batchSize: number; seqLen: number }; result: StepProfile };
  /** Matmul ceiling and copy bandwidth of the active backend (modelShapes: [tokens, in, out] products to time too). */
  deviceCeilings: { args: { modelShapes?: [number, number, number][] }; result: DeviceCeilings };
  /** One merge of a large tensor with resident inputs, in the current kernel mode. */
  mergeThroughput: { args: { method: string; elements: number; experts: number; params?: Record<string, unknown> }; result: MergeThroughput };
  unloadModel: { args: { modelId: string }; result: null };
  /** UTF-8 text, one sentence or paragraph a line; train may be left out for evaluation only. */
  loadCorpus: { args: { corpusId: string; train?: ArrayBuffer; valid: ArrayBuffer }; result: { trainChars: number; validChars: number } };
  /** Pairs for evaluation while training, scored by `rule` (lm-eval's rule for the suite's format). */
  loadSuite: { args: { suiteId: string; pairs: MinimalPair[]; rule: PairRule }; result: null };
  scoreTexts: { args: { modelId: string; texts: string[] }; result: number[] };
  /** Tokens scoreTexts scores of each text (after the prefix token), to tell which need sliding windows. */
  tokenCounts: { args: { modelId: string; texts: string[] }; result: number[] };
  validationLoss: { args: { modelId: string; corpusId: string; seqLen: number; maxTokens: number }; result: number };
  train: { args: { runId: string; modelId: string; settings: TrainSettings; trainable?: string[]; resume?: ResumeState }; result: null };
  control: { args: { runId: string; action: 'pause' | 'resume' | 'stop' }; result: null };
  memory: { args: Record<string, never>; result: MemoryInfo };
  /**
   * Grows loaded model parentId into a new model grownId (kept loaded) and compares the two on a
   * corpus's validation text; with a tolerance, a larger difference fails and nothing is kept.
   */
  grow: { args: { parentId: string; grownId: string; method: string; params: ParamValues; check: { corpusId: string; seqLen: number; maxTokens: number; tolerance: number | null } }; result: GrowOutcome };
  /**
   * Merges tensor by tensor from safetensors Blobs (read a slice at a time); with
   * diagnosticsOnly, only measures interference. Progress arrives as mergeProgress events.
   */
  merge: { args: { jobId: string; method: string; base?: string; models: { id: string; params: ParamSettings }[]; global: ParamSettings; dtype?: MergeDtype; config: LlamaConfig; baseBlob?: Blob; modelBlobs: Blob[]; fisherBlobs?: Blob[]; diagnosticsOnly: boolean }; result: { tensors?: ArrayBuffer; diagnostics: TensorDiagnostics[] } };
  /** Diagonal Fisher of a loaded model on a corpus's training text, as safetensors. */
  fisher: { args: { jobId: string; modelId: string; corpusId: string; samples: number; seqLen: number; sampledLabels: boolean }; result: { tensors: ArrayBuffer } };
  parity: { args: { config: LlamaConfig; seed: number }; result: ParityReport };
  mergeParity: { args: { config: LlamaConfig; seed: number; runs?: MergeParityRun[] }; result: MergeParity[] };
}

export type RequestType = keyof RequestMap;

export type WorkerRequest = { [K in RequestType]: { type: K; requestId: number } & RequestMap[K]['args'] }[RequestType];

export interface ResumeState {
  /** safetensors with the parameters and `optimizer.m.*` / `optimizer.v.*` moments. */
  state: ArrayBuffer;
  step: number;
  tokens: number;
  elapsed: number;
}

export type WorkerEvent =
  | { type: 'response'; requestId: number; ok: true; result: unknown }
  | { type: 'response'; requestId: number; ok: false; error: string }
  | { type: 'trainMetrics'; runId: string; points: MetricPoint[] }
  | { type: 'trainStatus'; runId: string; status: 'running' | 'paused' }
  /** A resumable snapshot: parameters and optimizer moments after `step` steps. */
  | { type: 'trainCheckpoint'; runId: string; step: number; tokens: number; elapsed: number; state: ArrayBuffer }
  | { type: 'trainFinished'; runId: string; status: 'completed' | 'stopped'; step: number; tokens: number; params: ArrayBuffer }
  | { type: 'trainFailed'; runId: string; error: string }
  /** Progress of a merge or Fisher job: done of total units (tensors or samples). */
  | { type: 'jobProgress'; jobId: string; done: number; total: number };

export type EngineEvent = Exclude<WorkerEvent, { type: 'response' }>;
export type TrainEvent = Exclude<EngineEvent, { type: 'jobProgress' }>;

export const OPTIMIZER_M_PREFIX = 'optimizer.m.';
export const OPTIMIZER_V_PREFIX = 'optimizer.v.';
