// Per-tensor merge diagnostics summed up for reading: the mean per layer (embeddings as "emb",
// the final norm and output head as "head", in model order) and the tensors with the most
// sign interference left after the merge.
import type { MergeRecord } from '../../core/checkpoint/manifest';

export type TensorDiagnostic = MergeRecord['diagnostics'][number];

export interface LayerDiagnostics {
  layer: string;
  tensors: number;
  disagreeBefore: number;
  disagreeAfter: number;
  kept: number;
}

function layerLabel(d: TensorDiagnostic): string {
  if (d.layer !== null) return String(d.layer);
  return d.name.includes('embed') ? 'emb' : 'head';
}

/** Means per layer, in model order (diagnostics arrive in weight order: emb, 0..n−1, head). */
export function layerSummary(diagnostics: TensorDiagnostic[]): LayerDiagnostics[] {
  const byLayer = new Map<string, LayerDiagnostics>();
  for (const d of diagnostics) {
    const key = layerLabel(d);
    const s = byLayer.get(key) ?? { layer: key, tensors: 0, disagreeBefore: 0, disagreeAfter: 0, kept: 0 };
    s.tensors++;
    s.disagreeBefore += d.disagreeBefore;
    s.disagreeAfter += d.disagreeAfter;
    s.kept += d.kept;
    byLayer.set(key, s);
  }
  return [...byLayer.values()].map((s) => ({ ...s, disagreeBefore: s.disagreeBefore / s.tensors, disagreeAfter: s.disagreeAfter / s.tensors, kept: s.kept / s.tensors }));
}

/** The `n` tensors whose experts still disagree most after the merge (then most before it). */
export function worstTensors(diagnostics: TensorDiagnostic[], n = 5): TensorDiagnostic[] {
  return [...diagnostics].sort((a, b) => b.disagreeAfter - a.disagreeAfter || b.disagreeBefore - a.disagreeBefore).slice(0, n);
}

export function percent(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}
