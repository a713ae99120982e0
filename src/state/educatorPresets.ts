// "Watch a model forget": the educator's end-to-end demonstration. A small model learns English,
// then is continually pretrained on Icelandic with no English replay; the charts show Icelandic
// improving while English loss and grammar get worse. Sizes follow the device: tiny on software
// WebGPU or the CPU backend, larger on a real GPU.
import { MODEL_PRESETS } from '../core/model/config';
import { ENGLISH_CORPUS, ICELANDIC_CORPUS } from '../core/data/corpusIds';
import type { AdaptActions } from './adapt';
import { useStudio } from './store';
import type { RunHandle, RunManager } from './training';

export interface ForgetDemoPlan {
  size: 'tiny' | 'gpu';
  preset: string;
  target: string;
  english: { steps: number; batchSize: number; seqLen: number; lr: number };
  adapt: { steps: number; batchSize: number; seqLen: number; lr: number; evalEvery: number };
}

export interface ForgetDemoHandle {
  plan: ForgetDemoPlan;
  /** 'create', then 'english' (the base learns English), then 'adapt' (it learns the target). */
  phase(): 'create' | 'english' | 'adapt' | 'done';
  runIds(): string[];
  stop(): void;
  done: Promise<{ base: string; english: string; adapted: string }>;
}

/** Software adapters and the CPU backend run about a GFLOP/s: keep the demo to a few minutes. */
export function forgetDemoPlan(size?: 'tiny' | 'gpu'): ForgetDemoPlan {
  const info = useStudio.getState().backend.info;
  const software = !info || info.name === 'cpu' || /swiftshader|llvmpipe|software/i.test(info.adapter ?? '');
  const s = size ?? (software ? 'tiny' : 'gpu');
  return s === 'tiny'
    ? { size: s, preset: 'tiny', target: ICELANDIC_CORPUS, english: { steps: 120, batchSize: 8, seqLen: 32, lr: 5e-3 }, adapt: { steps: 80, batchSize: 8, seqLen: 32, lr: 3e-3, evalEvery: 10 } }
    : { size: s, preset: 'base-1m', target: ICELANDIC_CORPUS, english: { steps: 1500, batchSize: 32, seqLen: 128, lr: 2e-3 }, adapt: { steps: 600, batchSize: 32, seqLen: 128, lr: 1e-3, evalEvery: 40 } };
}

export function startForgetDemo(
  createModel: (o: { name: string; config: unknown; seed?: number }) => Promise<string>,
  runs: RunManager,
  adapt: AdaptActions['adapt'],
  size?: 'tiny' | 'gpu',
): ForgetDemoHandle {
  const plan = forgetDemoPlan(size);
  let phase: ReturnType<ForgetDemoHandle['phase']> = 'create';
  let current: RunHandle | undefined;
  let stopped = false;
  const ids: string[] = [];
  const done = (async () => {
    const preset = MODEL_PRESETS.find((p) => p.id === plan.preset)!;
    const base = await createModel({ name: 'Forgetting demo: base', config: preset.config, seed: 1 });
    phase = 'english';
    current = runs.start({ from: base, name: 'Forgetting demo: English', data: [{ corpus: ENGLISH_CORPUS, weight: 1 }], ...plan.english, warmupSteps: Math.round(plan.english.steps / 20), evalEvery: Math.round(plan.english.steps / 6), watch: [ENGLISH_CORPUS, plan.target], evalTokens: 1024 });
    ids.push(current.id);
    const english = await current.done;
    if (stopped) throw new Error('the demo was stopped');
    phase = 'adapt';
    current = adapt({ from: english, target: plan.target, replay: 0, name: 'Forgetting demo: Icelandic, no replay', ...plan.adapt, evalTokens: 1024, evalPairs: 64 });
    ids.push(current.id);
    const adapted = await current.done;
    phase = 'done';
    return { base, english, adapted };
  })();
  return {
    plan,
    phase: () => phase,
    runIds: () => ids.slice(),
    stop: () => {
      stopped = true;
      current?.stop();
    },
    done,
  };
}
