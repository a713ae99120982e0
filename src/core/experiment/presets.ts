// Ready-made recipes. Each is already in normalized form (what validateRecipe returns for it),
// so it can be shown as JSON, edited and validated again without surprises.
import { MODEL_PRESETS } from '../model/config';
import type { Recipe } from './recipe';
import { ENGLISH_AGREEMENT_SUITE, ENGLISH_CORPUS, wordOrderSuite } from '../data/corpusIds';

export interface RecipePreset {
  id: string;
  label: string;
  description: string;
  recipe: Recipe;
}

const presetConfig = (id: string) => MODEL_PRESETS.find((p) => p.id === id)!.config;

/**
 * The paper's merge settings (its mergekit YAML: weight 1.0, density 0.5, normalize true), with
 * every other parameter at mergekit's default for the method, written out (normalized form):
 * TIES does not rescale; DARE rescales to the task vector's L1 norm (current mergekit);
 * multislerp has no normalize key (mergekit ignores it) and normalizes its weights.
 */
const PAPER_MERGE = {
  linear: { params: { normalize: true }, modelParams: { weight: 1 } },
  task_arithmetic: { params: { lambda: 1, normalize: true }, modelParams: { weight: 1 } },
  ties: { params: { lambda: 1, normalize: true, rescale: false }, modelParams: { weight: 1, density: 0.5 } },
  dare_ties: { params: { lambda: 1, normalize: true, rescale: true, density_rescale: false, seed: 0 }, modelParams: { weight: 1, density: 0.5 } },
  multislerp: { params: { normalize_weights: true, eps: 1e-8 }, modelParams: { weight: 1 } },
};

/**
 * Sized for software WebGPU (about 1 GFLOP/s): the tiny model (d=32) learns English for 60
 * steps of 8 x 32 tokens (2.7 GFLOP), then each language gets 1.35 GFLOP, which is 30 steps of
 * the 1x model (44.4 MFLOP a step) and 9 of the x2 model (145.5 MFLOP a step). Whole experiment:
 * about 8 GFLOP of training plus evaluation; the Experiments panel estimates its time from the
 * device's measured rate (core/experiment/duration.ts).
 */
const quickDemo: Recipe = {
  version: 1,
  name: 'Quick demo: Icelandic and Faroese',
  seed: 0,
  base: { from: 'scratch', preset: 'tiny', config: presetConfig('tiny'), corpus: ENGLISH_CORPUS, budget: { kind: 'steps', value: 60 }, batchSize: 8, microBatch: 0, seqLen: 32, lr: 5e-3, warmupFraction: 0.05 },
  languages: [{ code: 'isl', corpus: 'udhr-isl' }, { code: 'fao', corpus: 'udhr-fao' }],
  scales: [1, 2],
  growth: { noiseSnrDb: 0 },
  adapt: { budget: { kind: 'flops', value: 1.35e9 }, batchSize: 8, microBatch: 0, seqLen: 32, lr: 3e-3, warmupFraction: 0.05, replay: 0.25, replayCorpus: ENGLISH_CORPUS, evalPoints: 3, evalTokens: 512 },
  merges: [
    { method: 'task_arithmetic', subset: ['isl', 'fao'], scales: [1, 2], ...PAPER_MERGE.task_arithmetic },
    { method: 'ties', subset: ['isl', 'fao'], scales: [1, 2], ...PAPER_MERGE.ties },
  ],
  evaluation: { suites: [ENGLISH_AGREEMENT_SUITE, 'wordorder-udhr-isl', 'wordorder-udhr-fao'], maxPairs: 32, validationTokens: 1024 },
};

const FIVE = ['ekk', 'fao', 'isl', 'pes', 'swe'];

/**
 * The paper's design at browser scale: five target languages (Estonian, Faroese, Icelandic,
 * Persian, Swedish), 1x and HyperCloned x2, the paper's five merge methods over all five
 * experts, plus TIES over the three Nordic languages. base-1m learns English for 2000 steps of
 * 32 x 128 tokens (64.5 TFLOP); each language gets 1.3e13 FLOPs: 402 steps at 1x (32.3 GFLOP a
 * step), 106 at x2 (122.5 GFLOP a step). Needs a real GPU.
 */
const paperBrowser: Recipe = {
  version: 1,
  name: 'Grow Up and Merge, browser scale',
  seed: 0,
  base: { from: 'scratch', preset: 'base-1m', config: presetConfig('base-1m'), corpus: ENGLISH_CORPUS, budget: { kind: 'steps', value: 2000 }, batchSize: 32, microBatch: 0, seqLen: 128, lr: 2e-3, warmupFraction: 0.05 },
  languages: [
    { code: 'ekk', corpus: 'udhr-est' },
    { code: 'fao', corpus: 'udhr-fao' },
    { code: 'isl', corpus: 'udhr-isl' },
    { code: 'pes', corpus: 'udhr-pes_1' },
    { code: 'swe', corpus: 'udhr-swe' },
  ],
  scales: [1, 2],
  growth: { noiseSnrDb: 0 },
  adapt: { budget: { kind: 'flops', value: 1.3e13 }, batchSize: 32, microBatch: 0, seqLen: 128, lr: 1e-3, warmupFraction: 0.05, replay: 0.25, replayCorpus: ENGLISH_CORPUS, evalPoints: 8, evalTokens: 2048 },
  merges: [
    ...(['linear', 'task_arithmetic', 'ties', 'dare_ties', 'multislerp'] as const).map((method) => ({ method, subset: FIVE, scales: [1, 2], ...PAPER_MERGE[method] })),
    { method: 'ties', subset: ['fao', 'isl', 'swe'], scales: [1, 2], ...PAPER_MERGE.ties },
  ],
  evaluation: {
    suites: [ENGLISH_AGREEMENT_SUITE, wordOrderSuite(ENGLISH_CORPUS), 'wordorder-udhr-est', 'wordorder-udhr-fao', 'wordorder-udhr-isl', 'wordorder-udhr-pes_1', 'wordorder-udhr-swe'],
    maxPairs: 500,
    validationTokens: 4096,
  },
};

export const RECIPE_PRESETS: RecipePreset[] = [
  { id: 'quick-demo', label: 'Quick demo', description: 'Tiny model, Icelandic and Faroese, 1x and x2, two merges: sized to run on software WebGPU.', recipe: quickDemo },
  { id: 'paper-browser', label: 'Paper, browser-scale', description: 'base-1m, the paper\'s five languages, 1x and x2, its five merge methods: needs a real GPU.', recipe: paperBrowser },
];
