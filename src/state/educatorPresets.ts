// "Watch a model forget": the educator's story. A new model learns English (phase 1), then is
// continually pretrained on Icelandic with no English replay (phase 2): Icelandic loss falls while
// English loss rises. After each stage the model writes from a fixed English and a fixed Icelandic
// prompt with the same seed and temperature (greedy decoding of a model this small repeats one
// letter), so the text shows what the curves say. A second pass repeats phase 2 from the
// same English checkpoint with the same settings and budget but a share of English replayed, so
// forgetting can be seen to shrink on the same axes. Sizes follow the device: tiny on software
// WebGPU or the CPU backend (about a minute), larger on a real GPU. The story's state lives in
// useForgetStory, which the view reads; the numbers it shows come from core/train/forgetStory.ts.
import { create } from 'zustand';
import { MODEL_PRESETS } from '../core/model/config';
import type { GenerationResult } from '../core/model/generate';
import { ENGLISH_CORPUS, ICELANDIC_CORPUS, wordOrderSuite } from '../core/data/corpusIds';
import { MAX_REPLAY } from '../core/train/adapt';
import type { SampleStage, StageSamples, StoryPrompt } from '../core/train/forgetStory';
import type { AdaptActions } from './adapt';
import { useStudio } from './store';
import type { RunHandle, RunManager } from './training';

export type ForgetSize = 'tiny' | 'gpu';

export interface ForgetDemoPlan {
  size: ForgetSize;
  preset: string;
  english: string;
  target: string;
  /** Phase 1: English only. */
  englishRun: { steps: number; batchSize: number; seqLen: number; lr: number; evalEvery: number };
  /** Phase 2, the same in both passes but for the replay share. */
  adapt: { steps: number; batchSize: number; seqLen: number; lr: number; evalEvery: number; evalTokens: number; evalPairs: number };
  /** Validation tokens per corpus and evaluation in phase 1 (as in phase 2, so the line joins). */
  evalTokens: number;
  /** The fixed prompts, one per language, and how each stage's samples are drawn from them. */
  prompts: StoryPrompt[];
  sampling: { maxTokens: number; temperature: number; seed: number };
}

/** The replay shares the story offers for its second pass. */
export const REPLAY_CHOICES = [0.1, 0.25, 0.5] as const;

/** The fixed prompts: an opening a Brown sentence could have, and the UDHR's first words in Icelandic. */
export const STORY_PROMPTS: StoryPrompt[] = [
  { corpus: ENGLISH_CORPUS, prompt: 'The man said that ' },
  { corpus: ICELANDIC_CORPUS, prompt: 'Allir menn eru ' },
];

export type StoryPhase = 'create' | 'english' | 'adapt' | 'done';

export interface ReplayPassState {
  replay: number;
  runId?: string;
  checkpoint?: string;
  status: 'running' | 'done' | 'failed';
  error?: string;
}

/** Everything the story view shows, updated as the story goes (immutably, so selectors see it). */
export interface ForgetStoryState {
  plan: ForgetDemoPlan;
  phase: StoryPhase;
  /** Run ids: phase 1, pass 1's phase 2. */
  runs: { english?: string; adapt?: string };
  checkpoints: { base?: string; english?: string; adapted?: string };
  /** Samples after each stage, in story order; the replay pass's are the last. */
  samples: StageSamples[];
  /** The stage whose samples are being written now. */
  sampling?: SampleStage;
  /** Replay passes in the order they ran; the story draws the last. */
  replays: ReplayPassState[];
  /** Set when pass 1 was stopped or failed. */
  error?: string;
}

export interface ForgetDemoHandle {
  plan: ForgetDemoPlan;
  /** 'create', then 'english' (the base learns English), then 'adapt' (it learns the target). */
  phase(): StoryPhase;
  /** Run ids as they start: phase 1, pass 1's phase 2, then each replay pass. */
  runIds(): string[];
  /** The story as the view shows it. */
  story(): ForgetStoryState;
  /** Stops the run in progress (pass 1's, or a replay pass's). */
  stop(): void;
  /** Resolves after pass 1 and its samples. */
  done: Promise<{ base: string; english: string; adapted: string }>;
  /**
   * Phase 2 again from pass 1's English checkpoint, with the same settings and steps, but
   * `replay` (0 < replay <= 0.5) of each batch English. Needs pass 1 done and no pass running;
   * resolves after the pass and its samples.
   */
  replayPass(replay: number): Promise<{ runId: string; checkpoint: string }>;
}

/** The story shown in the view (one at a time: starting another replaces it) and its handle. */
export const useForgetStory = create<{ story?: ForgetStoryState; handle?: ForgetDemoHandle }>()(() => ({}));

/** Samples: one seeded stream at a temperature below 1, so each stage writes its likeliest kind of text without looping. */
const SAMPLING = { temperature: 0.7, seed: 7 };

/** Software adapters and the CPU backend run about a GFLOP/s: keep the story to about a minute there. */
export function forgetDemoPlan(size?: ForgetSize): ForgetDemoPlan {
  const info = useStudio.getState().backend.info;
  const software = !info || info.name === 'cpu' || /swiftshader|llvmpipe|software/i.test(info.adapter ?? '');
  const s = size ?? (software ? 'tiny' : 'gpu');
  const common = { size: s, english: ENGLISH_CORPUS, target: ICELANDIC_CORPUS, prompts: STORY_PROMPTS };
  return s === 'tiny'
    ? { ...common, preset: 'tiny', englishRun: { steps: 120, batchSize: 8, seqLen: 32, lr: 5e-3, evalEvery: 20 }, adapt: { steps: 60, batchSize: 8, seqLen: 32, lr: 3e-3, evalEvery: 10, evalTokens: 1024, evalPairs: 32 }, evalTokens: 1024, sampling: { ...SAMPLING, maxTokens: 40 } }
    : { ...common, preset: 'base-1m', englishRun: { steps: 1500, batchSize: 32, seqLen: 128, lr: 2e-3, evalEvery: 150 }, adapt: { steps: 600, batchSize: 32, seqLen: 128, lr: 1e-3, evalEvery: 40, evalTokens: 4096, evalPairs: 128 }, evalTokens: 4096, sampling: { ...SAMPLING, maxTokens: 100 } };
}

export interface ForgetDemoDeps {
  createModel: (o: { name: string; config: unknown; seed?: number }) => Promise<string>;
  runs: RunManager;
  adapt: AdaptActions['adapt'];
  generate: (id: string, prompt: string, options?: unknown) => Promise<GenerationResult>;
}

export function startForgetDemo(deps: ForgetDemoDeps, size?: ForgetSize): ForgetDemoHandle {
  const plan = forgetDemoPlan(size);
  let current: RunHandle | undefined;
  let stopped = false;
  const ids: string[] = [];
  let state: ForgetStoryState = { plan, phase: 'create', runs: {}, checkpoints: {}, samples: [], replays: [] };
  const update = (change: (s: ForgetStoryState) => Partial<ForgetStoryState>) => {
    state = { ...state, ...change(state) };
    // A newer story replaced this one in the view: it keeps its own state only.
    if (useForgetStory.getState().handle === handle) useForgetStory.setState({ story: state });
  };
  const story = (): ForgetStoryState => state;

  async function sample(stage: SampleStage, checkpoint: string): Promise<void> {
    update(() => ({ sampling: stage }));
    const samples: StageSamples['samples'] = [];
    for (const p of plan.prompts) {
      const r = await deps.generate(checkpoint, p.prompt, plan.sampling);
      samples.push({ ...p, text: r.text });
    }
    update((s) => ({ sampling: undefined, samples: [...s.samples, { stage, checkpoint, samples }] }));
  }

  /** Phase 2's run: identical in both passes but for the replay share and the name. */
  function adaptRun(from: string, replay: number): RunHandle {
    const name = replay ? `Forgetting story: Icelandic, ${Math.round(replay * 100)} % English replay` : 'Forgetting story: Icelandic, no replay';
    const suites = [wordOrderSuite(plan.english), wordOrderSuite(plan.target)].filter((id) => useStudio.getState().suites.some((x) => x.id === id));
    return deps.adapt({ from, target: plan.target, replayCorpus: plan.english, replay, name, ...plan.adapt, warmupSteps: Math.round(plan.adapt.steps / 20), evalSuites: suites });
  }

  const done = (async () => {
    const preset = MODEL_PRESETS.find((p) => p.id === plan.preset)!;
    const base = await deps.createModel({ name: 'Forgetting story: base', config: preset.config, seed: 1 });
    update((s) => ({ checkpoints: { ...s.checkpoints, base } }));
    await sample('untrained', base);
    if (stopped) throw new Error('the story was stopped');
    update(() => ({ phase: 'english' }));
    const e = plan.englishRun;
    current = deps.runs.start({ from: base, name: 'Forgetting story: English', data: [{ corpus: plan.english, weight: 1 }], ...e, warmupSteps: Math.round(e.steps / 20), watch: [plan.english, plan.target], evalTokens: plan.evalTokens });
    ids.push(current.id);
    update((s) => ({ runs: { ...s.runs, english: current!.id } }));
    const english = await current.done;
    update((s) => ({ checkpoints: { ...s.checkpoints, english } }));
    if (stopped) throw new Error('the story was stopped');
    await sample('english', english);
    if (stopped) throw new Error('the story was stopped');
    update(() => ({ phase: 'adapt' }));
    current = adaptRun(english, 0);
    ids.push(current.id);
    update((s) => ({ runs: { ...s.runs, adapt: current!.id } }));
    const adapted = await current.done;
    update((s) => ({ checkpoints: { ...s.checkpoints, adapted } }));
    if (stopped) throw new Error('the story was stopped');
    await sample('target', adapted);
    update(() => ({ phase: 'done' }));
    return { base, english, adapted };
  })();
  done.catch((e: Error) => update(() => ({ error: e.message, sampling: undefined })));

  let replaying = false;
  const handle: ForgetDemoHandle = {
    plan,
    phase: () => story().phase,
    runIds: () => ids.slice(),
    story,
    stop: () => {
      stopped = true;
      current?.stop();
    },
    done,
    async replayPass(replay) {
      if (typeof replay !== 'number' || !(replay > 0 && replay <= MAX_REPLAY)) throw new Error(`replay must be a share above 0 and at most ${MAX_REPLAY}, got ${JSON.stringify(replay)}`);
      const english = story().checkpoints.english;
      if (story().phase !== 'done' || !english) throw new Error('the replay pass starts once pass 1 (English, then Icelandic without replay) is done');
      if (replaying) throw new Error('a replay pass is running; wait for it or stop it');
      replaying = true;
      stopped = false;
      const index = story().replays.length;
      const set = (change: Partial<ReplayPassState>) => update((s) => ({ replays: s.replays.map((r, i) => (i === index ? { ...r, ...change } : r)) }));
      update((s) => ({ replays: [...s.replays, { replay, status: 'running' }] }));
      try {
        current = adaptRun(english, replay);
        ids.push(current.id);
        set({ runId: current.id });
        const checkpoint = await current.done;
        set({ checkpoint });
        if (stopped) throw new Error('the replay pass was stopped');
        await sample('replay', checkpoint);
        set({ status: 'done' });
        return { runId: current.id, checkpoint };
      } catch (e) {
        set({ status: 'failed', error: (e as Error).message });
        update(() => ({ sampling: undefined }));
        throw e;
      } finally {
        replaying = false;
      }
    },
  };
  useForgetStory.setState({ story: state, handle });
  return handle;
}
