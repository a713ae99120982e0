// The studio's state on the main thread: one zustand store built from typed slices. Components
// read it through selectors; only the actions in studio.ts write it.
import type { ExperimentRecord } from '../storage/experiments';
import { create } from 'zustand';
import type { CheckpointManifest } from '../core/checkpoint/manifest';
import type { CorpusInfo } from '../core/data/corpusSplit';
import type { MetricPoint } from '../core/train/settings';
import type { RunRecord, RunStatus } from '../storage/runs';
import type { BackendInfo } from '../worker/protocol';
import type { EvaluationResult } from '../core/eval/report';
import type { SuiteInfo } from '../core/eval/suites/types';
import type { JobProgress } from '../core/jobProgress';

export interface BackendSlice {
  backend: { info?: BackendInfo; starting: boolean; error?: string };
  /**
   * Whether the kernel choice the engine last reported (kernels()) runs our fused AdamW on WebGPU
   * (our kernels, adamw not switched off); absent until then, when the default (ours) holds.
   */
  fusedAdamw?: boolean;
}

export interface CorporaSlice {
  corpora: CorpusInfo[];
}

export interface CheckpointsSlice {
  checkpoints: CheckpointManifest[];
  /** Messages about manifests that failed validation when listed. */
  damaged: string[];
  storage?: { usage: number; quota: number };
  /** Whether the browser keeps this site's storage under pressure (persistence.ts); asked: the studio requested it. */
  persistence?: { supported: boolean; persisted: boolean; asked: boolean };
}

export interface RunView {
  record: RunRecord;
  status: RunStatus;
  /**
   * Metric points in step order. The array is appended in place as batches arrive (never
   * re-sorted or copied); `version` changes so subscribers re-render.
   */
  metrics: MetricPoint[];
  version: number;
  /** The run is live in another tab of this profile: shown from its broadcasts, not controllable here. */
  elsewhere?: boolean;
  /** Its final checkpoint did not fit; this page still holds the weights (studio.runs.saveResult). */
  unsavedResult?: boolean;
}

export interface RunsSlice {
  runs: Record<string, RunView>;
  activeRunId?: string;
}

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export interface NoticesSlice {
  notices: Notice[];
}

export interface EvaluationSlice {
  /** Built-in and imported minimal-pair suites (without their pairs). */
  suites: SuiteInfo[];
  /** Saved evaluation results, newest first. */
  evaluations: EvaluationResult[];
  /** The evaluation in progress: texts scored so far of all it needs. */
  evaluationProgress?: JobProgress;
  /** The merge or Fisher estimate in progress: tensors or samples done. */
  mergeProgress?: JobProgress;
  /** The Hugging Face import in progress: bytes of tensors read of all there are. */
  importProgress?: JobProgress & { unit: 'bytes' };
}

export interface ExperimentsSlice {
  /** Stored experiments, newest first; the running one is updated as its stages finish. */
  experiments: ExperimentRecord[];
  /** The stage in progress of the running experiment and its training run, if it trains. */
  experimentLive?: { id: string; stage: string; runId?: string };
  /** Experiments running in another tab of this profile. */
  experimentsElsewhere: string[];
}

export type StudioState = BackendSlice & CorporaSlice & CheckpointsSlice & RunsSlice & NoticesSlice & EvaluationSlice & ExperimentsSlice;

export const useStudio = create<StudioState>()(() => ({
  backend: { starting: true },
  corpora: [],
  checkpoints: [],
  damaged: [],
  runs: {},
  notices: [],
  suites: [],
  evaluations: [],
  experiments: [],
  experimentsElsewhere: [],
}));

let noticeId = 1;

/** Notices kept (the toasts show the newest few and count the rest); older ones drop off. */
export const MAX_NOTICES = 20;

export function notify(kind: Notice['kind'], text: string): void {
  useStudio.setState((s) => ({ notices: [...s.notices.slice(1 - MAX_NOTICES), { id: noticeId++, kind, text }] }));
}

export function dismissAllNotices(): void {
  useStudio.setState({ notices: [] });
}

export function dismissNotice(id: number): void {
  useStudio.setState((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
}
