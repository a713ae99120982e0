// Adaptation actions behind window.studio: continued pretraining on a target language with
// English replay and live forgetting curves (adapt), and the FLOP-matched comparison of a model
// with its HyperCloned twin (flopMatchedPair), run one after the other.
import type { CheckpointManifest } from '../core/checkpoint/manifest';
import { ENGLISH_AGREEMENT_SUITE, ENGLISH_CORPUS, wordOrderSuite } from '../core/data/corpusIds';
import { flopsPerStep, planAdapt } from '../core/train/adapt';
import type { TrainSettings } from '../core/train/settings';
import { validateTrainSettings } from '../core/train/settings';
import type { GrowthActions } from './growth';
import { useStudio } from './store';
import type { RunHandle, RunManager } from './training';

export interface AdaptOptions {
  from: string;
  /** Corpus id of the target language (embedded or the user's own). */
  target: string;
  /** Share of each batch from replayCorpus, 0 to 0.5 (default 0). */
  replay?: number;
  /** Default ENGLISH_CORPUS (eng-brown). */
  replayCorpus?: string;
  steps?: number;
  tokens?: number;
  flops?: number;
  [setting: string]: unknown;
}

export interface PairHandle {
  /** The HyperCloned twin of `from`. */
  grownId: string;
  /** Run ids as they start: the small model's first, then the grown one's. */
  runIds(): string[];
  /** FLOPs both runs were given. */
  flops: number;
  done: Promise<{ small: { runId: string; checkpoint: string }; big: { runId: string; checkpoint: string } }>;
}

export interface AdaptActions {
  adapt(options: AdaptOptions): RunHandle;
  flopMatchedPair(options: AdaptOptions & { factor?: number; noiseSnrDb?: number }): Promise<PairHandle>;
}

/** Options adapt fills itself; the rest pass to the training settings. */
const ADAPT_KEYS = ['from', 'target', 'replay', 'replayCorpus', 'steps', 'tokens', 'flops', 'data', 'watch'];

export function createAdaptActions(runs: RunManager, growth: GrowthActions): AdaptActions {
  function plan(options: AdaptOptions): { settings: TrainSettings; from: CheckpointManifest } {
    if (typeof options !== 'object' || options === null) throw new Error('adapt needs {from, target, replay?, steps | tokens | flops, batchSize, seqLen, lr, ...}');
    const st = useStudio.getState();
    const from = st.checkpoints.find((c) => c.id === options.from);
    if (!from) throw new Error(`from ${JSON.stringify(options.from)} is not a checkpoint id; see studio.checkpoints.list()`);
    if ('data' in options || 'watch' in options) throw new Error('adapt sets data and watch itself from target, replay and replayCorpus; leave them out');
    const ctx = { corpusIds: st.corpora.map((c) => c.id), suiteIds: st.suites.map((x) => x.id), maxPositionEmbeddings: from.config.max_position_embeddings };
    const { replay, replayCorpus, data, budget, batchSize, seqLen, steps, ...p } = planAdapt(options, ctx, from.config);
    const target = st.corpora.find((c) => c.id === p.target)!;
    if (target.trainBytes < seqLen + 1) throw new Error(`target ${target.id} has ${target.trainBytes} training bytes, too few for one sequence of seqLen ${seqLen}`);
    const rest = Object.fromEntries(Object.entries(options).filter(([k]) => !ADAPT_KEYS.includes(k)));
    // English grammar (agreement) and English word order: a small model's agreement accuracy stays
    // at chance (it picks word forms, not agreement), while its English word order moves, so
    // forgetting of English shows there.
    const defaultSuites = [ENGLISH_AGREEMENT_SUITE, wordOrderSuite(ENGLISH_CORPUS), wordOrderSuite(target.id), ...st.suites.filter((x) => x.language === target.language && (x.source === 'blimp' || x.source === 'multiblimp')).map((x) => x.id)];
    const evalEvery = (rest.evalEvery as number | undefined) ?? Math.max(1, Math.round(steps / 10));
    const settings = validateTrainSettings(
      {
        name: `${from.name} → ${target.name}${replay ? ` (${Math.round(replay * 100)} % replay)` : ''}`,
        evalSuites: defaultSuites.filter((id) => st.suites.some((x) => x.id === id)),
        checkpointEvery: evalEvery,
        ...rest,
        evalEvery,
        from: from.id,
        data,
        steps,
        watch: [...new Set([target.id, replayCorpus])],
      },
      ctx,
    );
    settings.adapt = { target: target.id, replay, replayCorpus, budget, flopsPerStep: flopsPerStep(from.config, batchSize, seqLen) };
    return { settings, from };
  }

  return {
    adapt(options) {
      const { settings, from } = plan(options);
      return runs.startSettings(settings, from);
    },

    async flopMatchedPair(options) {
      const { factor = 2, noiseSnrDb = 0, ...adaptOptions } = options;
      // Check everything about the small run before growing anything.
      const small = plan(adaptOptions);
      const flops = small.settings.adapt!.budget.kind === 'flops' ? small.settings.adapt!.budget.value : small.settings.steps * small.settings.adapt!.flopsPerStep;
      const budgetFree = Object.fromEntries(Object.entries(adaptOptions).filter(([k]) => k !== 'steps' && k !== 'tokens' && k !== 'flops'));
      const grownId = await growth.grow(small.from.id, { method: 'hyperclone', factor, noiseSnrDb, name: `${small.from.name} ×${factor} (HyperCloned)` });
      const big = plan({ ...budgetFree, from: grownId, flops } as AdaptOptions);
      const ids: string[] = [];
      const done = (async () => {
        const a = runs.startSettings({ ...small.settings, adapt: { ...small.settings.adapt!, budget: { kind: 'flops', value: flops } } }, small.from);
        ids.push(a.id);
        const smallCkpt = await a.done;
        const b = runs.startSettings(big.settings, big.from);
        ids.push(b.id);
        const bigCkpt = await b.done;
        return { small: { runId: a.id, checkpoint: smallCkpt }, big: { runId: b.id, checkpoint: bigCkpt } };
      })();
      return { grownId, flops, runIds: () => ids.slice(), done };
    },
  };
}
