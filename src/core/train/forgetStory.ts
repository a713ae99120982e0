// The "Watch a model forget" story as data: a model learns English (phase 1), then only the
// target language (phase 2, no replay); a second pass repeats phase 2 from the same English
// checkpoint with the same settings and budget but some English replayed. Every run counts its
// steps from 0; the story draws them on one axis, phase 2's steps (tokens, FLOPs, seconds) offset by
// where phase 1 ended, so both passes start at the same x. The comparison reads, for each pass,
// how much English loss rose and target loss fell between the start and the end of phase 2.
import type { MetricPoint } from './settings';

/** Pass 1 adapts without replay; a replay pass adapts with a share of English in each batch. */
export type StoryPass = 'main' | 'replay';

/** Where a story point lies on each kind of x axis (what MetricChart needs). */
export interface StoryX {
  step: number;
  tokens: number;
  flops: number;
  /** Wall-clock seconds of training and evaluation (the pauses between runs left out). */
  elapsed: number;
}

export interface StoryPoint extends StoryX {
  /** Validation loss by seriesKey(pass, corpus), at the evaluations that fall on this x. */
  values: Record<string, number>;
}

/** The runs of a story so far: phase 1, pass 1's phase 2, and the replay pass's phase 2. */
export interface StoryRuns {
  english: MetricPoint[];
  adapt?: MetricPoint[];
  replay?: MetricPoint[];
}

/** The key of one line of the story chart: a pass and a watched corpus. */
export function seriesKey(pass: StoryPass, corpus: string): string {
  return `${pass}:${corpus}`;
}

const ORIGIN: StoryX = { step: 0, tokens: 0, flops: 0, elapsed: 0 };

/** Where phase 2 starts on the story's axis: the last point of phase 1 (zero before it has one). */
export function phaseOffset(english: MetricPoint[]): StoryX {
  const last = english[english.length - 1];
  return last ? { step: last.step, tokens: last.tokens, flops: last.flops, elapsed: last.elapsed } : ORIGIN;
}

/**
 * The story's chart points: every evaluation of every run, phase 2's moved by phaseOffset, in step
 * order. Phase 1 and pass 1's phase 2 are one line per corpus ('main'); the replay pass has its
 * own lines, which start where pass 1's phase 2 starts (the same checkpoint, evaluated alike).
 * Evaluations on the same step share a point: phase 2's step 0 evaluates the checkpoint phase 1
 * ended with, so it replaces phase 1's last value there.
 */
export function storyPoints(runs: StoryRuns): StoryPoint[] {
  const offset = phaseOffset(runs.english);
  const byStep = new Map<number, StoryPoint>();
  const add = (metrics: MetricPoint[] | undefined, pass: StoryPass, at: StoryX) => {
    for (const m of metrics ?? []) {
      if (!m.valid) continue;
      const step = at.step + m.step;
      const point = byStep.get(step) ?? { step, tokens: at.tokens + m.tokens, flops: at.flops + m.flops, elapsed: at.elapsed + m.elapsed, values: {} };
      for (const [corpus, loss] of Object.entries(m.valid)) point.values[seriesKey(pass, corpus)] = loss;
      byStep.set(step, point);
    }
  };
  add(runs.english, 'main', ORIGIN);
  add(runs.adapt, 'main', offset);
  add(runs.replay, 'replay', offset);
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** What one adaptation pass did to each language, from its first evaluation to its last. */
export interface PassNumbers {
  /** Share of English in each batch (0 for pass 1). */
  replay: number;
  /** Steps between the first and last evaluation. */
  steps: number;
  englishStart: number;
  englishEnd: number;
  /** English loss at the end minus at the start, nats: forgetting (positive = forgotten). */
  englishRise: number;
  targetStart: number;
  targetEnd: number;
  /** Target loss at the start minus at the end, nats: what the pass learnt. */
  targetGain: number;
  /** Minimal-pair accuracy per suite at the start and end, where the run scored suites. */
  accuracy: Record<string, { start: number; end: number }>;
}

/** The numbers of one pass, or undefined until it has evaluated both languages twice. */
export function passNumbers(metrics: MetricPoint[], replay: number, english: string, target: string): PassNumbers | undefined {
  const evals = metrics.filter((m) => m.valid?.[english] !== undefined && m.valid?.[target] !== undefined);
  if (evals.length < 2) return undefined;
  const first = evals[0];
  const last = evals[evals.length - 1];
  const accuracy: PassNumbers['accuracy'] = {};
  for (const [suite, start] of Object.entries(first.pairs ?? {})) {
    const end = last.pairs?.[suite];
    if (end !== undefined) accuracy[suite] = { start, end };
  }
  return {
    replay,
    steps: last.step - first.step,
    englishStart: first.valid![english],
    englishEnd: last.valid![english],
    englishRise: last.valid![english] - first.valid![english],
    targetStart: first.valid![target],
    targetEnd: last.valid![target],
    targetGain: first.valid![target] - last.valid![target],
    accuracy,
  };
}

/**
 * How much of pass 1's forgetting the replay pass avoided: 1 - rise with replay / rise without
 * (0.6 = 60 % less forgetting). Undefined when pass 1 forgot nothing, as the ratio means nothing then.
 */
export function forgettingAvoided(without: PassNumbers, withReplay: PassNumbers): number | undefined {
  return without.englishRise > 0 ? 1 - withReplay.englishRise / without.englishRise : undefined;
}

/** The stages after which the story shows what the model writes. */
export type SampleStage = 'untrained' | 'english' | 'target' | 'replay';

export interface StoryPrompt {
  /** The corpus whose language the prompt is in. */
  corpus: string;
  prompt: string;
}

export interface StorySample extends StoryPrompt {
  text: string;
}

export interface StageSamples {
  stage: SampleStage;
  checkpoint: string;
  samples: StorySample[];
}
