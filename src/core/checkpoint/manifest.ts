// A checkpoint's manifest: everything about a saved model except its tensors. Lineage (parents
// and how the model was made) and the training record travel with it, so any model in the
// studio can say where it came from. validateManifest guards loads from storage.
import type { LlamaConfig } from '../model/config';
import { validateConfig } from '../model/config';
import type { TokenizerSpec } from '../tokenizer/tokenizer';
import type { ParamSettings } from '../merge/settings';
import type { MergeDtype } from '../merge/dtype';
import type { MetricPoint, TrainSettings } from '../train/settings';
import { validateStoragePrecision, type StoragePrecision } from './storageDtype';

export interface Origin {
  /** 'init', 'train', and later 'grow:<method>', 'merge:<method>', 'import'. */
  method: string;
  params: Record<string, unknown>;
}

export interface TrainingRecord {
  runId: string;
  settings: TrainSettings;
  /** Steps and tokens of this run (not counting the parent's own training). */
  steps: number;
  tokens: number;
  status: 'completed' | 'stopped';
  metrics: MetricPoint[];
}

export interface GrowthRecord {
  method: string;
  params: Record<string, number | boolean>;
  functionPreserving: boolean;
  /** New layer i came from parent layer layerMap[i] (-1: inserted). */
  layerMap?: number[];
  /** The grown model against its parent on the parent's validation text. */
  check: { corpusId: string; maxAbsLogProbDiff: number; lossA: number; lossB: number; tokens: number };
}

/** A diagonal Fisher estimate stored with a checkpoint (computed once, reused by merges). */
export interface FisherRecord {
  /** Blob key of the safetensors with one Fisher tensor per parameter. */
  key: string;
  /** 'sampled': labels drawn from the model (the Fisher); 'empirical': the observed next tokens. */
  labels: 'sampled' | 'empirical';
  samples: number;
  corpus: string;
  seqLen: number;
  createdAt: string;
}

export interface MergeRecord {
  method: string;
  base?: string;
  /** Settings as the merge read them: values, gradients over the layers, or [{filter, value}]. */
  models: { id: string; params: ParamSettings }[];
  global: ParamSettings;
  /** The dtype the merge computed in (absent: float32). */
  dtype?: MergeDtype;
  /** Per tensor: sign disagreement of the task vectors before and after, and the share kept. */
  diagnostics: { name: string; layer: number | null; disagreeBefore: number; disagreeAfter: number; kept: number }[];
}

export interface CheckpointManifest {
  formatVersion: 1;
  id: string;
  name: string;
  /** ISO time of the save. */
  createdAt: string;
  config: LlamaConfig;
  tokenizer: TokenizerSpec;
  parents: string[];
  origin: Origin;
  training?: TrainingRecord;
  growth?: GrowthRecord;
  merge?: MergeRecord;
  fisher?: FisherRecord[];
  /** Key of the safetensors blob in the tensor store. */
  tensorsKey: string;
  /** Size of that blob in bytes. */
  bytes: number;
  /** The dtype the tensors are stored in and what storing them rounded; absent: F32 (exact). */
  storage?: StoragePrecision;
  parameterCount: number;
  /** Tensor names training may change; absent means all. */
  trainable?: string[];
}

export function newId(prefix: string): string {
  const rand = Math.random().toString(36).slice(2, 8);
  return `${prefix}-${Date.now().toString(36)}-${rand}`;
}

function validateTokenizerSpec(t: unknown, where: string): void {
  if ((t as TokenizerSpec | undefined)?.kind === 'byte') return;
  const spec = t as Partial<Extract<TokenizerSpec, { kind: 'hf' }>> | undefined;
  if (spec?.kind === 'hf' && typeof spec.id === 'string' && typeof spec.description === 'string' && [spec.vocabSize, spec.bos, spec.eos, spec.pad].every((v) => Number.isInteger(v) && v! >= 0)) return;
  throw new Error(`${where}: tokenizer ${JSON.stringify(t)} is not supported; supported: {kind: 'byte'} or {kind: 'hf', id, vocabSize, bos, eos, pad, description}`);
}

/** Checks a manifest read back from storage; throws naming the broken field. */
export function validateManifest(raw: unknown): CheckpointManifest {
  if (typeof raw !== 'object' || raw === null) throw new Error('checkpoint manifest is not an object');
  const m = raw as Partial<CheckpointManifest>;
  if (m.formatVersion !== 1) throw new Error(`checkpoint manifest has formatVersion ${JSON.stringify(m.formatVersion)}; this studio reads 1`);
  for (const f of ['id', 'name', 'createdAt', 'tensorsKey'] as const) {
    if (typeof m[f] !== 'string' || !m[f]) throw new Error(`checkpoint manifest field ${f} must be a non-empty string`);
  }
  if (!Array.isArray(m.parents)) throw new Error(`checkpoint ${m.id}: parents must be a list`);
  if (!m.origin || typeof m.origin.method !== 'string') throw new Error(`checkpoint ${m.id}: origin.method missing`);
  validateTokenizerSpec(m.tokenizer, `checkpoint ${m.id}`);
  if (m.storage !== undefined) validateStoragePrecision(m.storage, `checkpoint ${m.id}`);
  validateConfig(m.config);
  return m as CheckpointManifest;
}
