// Files to rerun a studio experiment at full size outside the browser: one nanotron training
// config per run (laid out like nanotron's examples/config_tiny_llama.yaml), a README that says
// how they chain (HyperCloning between the base and the grown runs, mergekit after), and the
// names of the mergekit files the app writes from each merge's record (see merge/mergekit.ts).
import { stringify } from 'yaml';
import type { LlamaConfig } from '../model/config';
import { formatFlops } from '../numeric/formatFlops';
import type { AdaptStage, BaseStage, ExperimentPlan, PlannedRun } from './plan';
import type { Recipe } from './recipe';

export interface ExportFile {
  /** A relative path such as nanotron/adapt-isl-x2.yaml. */
  name: string;
  text: string;
}

/**
 * What the studio's trainer uses besides the plan (train/settings.ts DEFAULTS, train/adamw.ts
 * DEFAULT_ADAMW): the wsd schedule decaying linearly to 0 over the last 20 % of the steps.
 */
const OPTIMIZER = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.01, clip: 1, decayFraction: 0.2 };
/** The byte tokenizer's special tokens (tokenizer/byte.ts). */
const BYTE_IDS = { bos: 256, eos: 257, pad: 258 };

/** A stage id as a file name: 'adapt:isl:x2' -> 'adapt-isl-x2' (letters, digits, + . _ - only). */
export const safeStageName = (stageId: string): string => stageId.replace(/[^A-Za-z0-9+._-]+/g, '-');
export const nanotronFileName = (stageId: string): string => `nanotron/${safeStageName(stageId)}.yaml`;
/** 'merge:ties:isl+fao:x2' -> 'mergekit/merge-ties-isl+fao-x2.yaml'. */
export const mergeStageFileName = (stageId: string): string => `mergekit/${safeStageName(stageId)}.yaml`;

const checkpointDir = (stageId: string) => `checkpoints/${safeStageName(stageId)}`;
const placeholder = (corpus: string) => `REPLACE_ME/${corpus}`;

function dataStage(name: string, datasets: string | Record<string, number>, seed: number) {
  return {
    data: {
      dataset: { dataset_overwrite_cache: false, dataset_processing_num_proc_per_process: 1, hf_dataset_config_name: null, hf_dataset_or_datasets: datasets, hf_dataset_splits: 'train', text_column_name: 'text' },
      num_loading_workers: 1,
      seed,
    },
    name,
    start_training_step: 1,
  };
}

function modelConfig(c: LlamaConfig) {
  return {
    bos_token_id: BYTE_IDS.bos, eos_token_id: BYTE_IDS.eos, hidden_act: c.hidden_act, hidden_size: c.hidden_size, initializer_range: 0.02,
    intermediate_size: c.intermediate_size, is_llama_config: true, max_position_embeddings: c.max_position_embeddings, num_attention_heads: c.num_attention_heads,
    num_hidden_layers: c.num_hidden_layers, num_key_value_heads: c.num_key_value_heads, pad_token_id: BYTE_IDS.pad, pretraining_tp: 1, rms_norm_eps: c.rms_norm_eps,
    rope_scaling: null, rope_theta: c.rope_theta, tie_word_embeddings: c.tie_word_embeddings, use_cache: true, vocab_size: c.vocab_size,
  };
}

/** The nanotron config of one run; `init` is the checkpoint it starts from (absent: random init). */
function nanotronConfig(project: string, stageId: string, run: PlannedRun, dataStages: ReturnType<typeof dataStage>[], init?: string) {
  const decaySteps = Math.round(run.steps * OPTIMIZER.decayFraction);
  return {
    checkpoints: { checkpoint_interval: Math.max(1, Math.ceil(run.steps / 5)), checkpoints_path: checkpointDir(stageId), checkpoints_path_is_shared_file_system: false, resume_checkpoint_path: null, save_initial_state: false },
    data_stages: dataStages,
    general: { benchmark_csv_path: null, consumed_train_samples: null, ignore_sanity_checks: true, project, run: safeStageName(stageId), seed: run.seed, step: null },
    lighteval: null,
    logging: { iteration_step_info_interval: 1, log_level: 'info', log_level_replica: 'info' },
    model: { ddp_bucket_cap_mb: 25, dtype: 'bfloat16', init_method: init ? { path: init } : { std: 0.02 }, make_vocab_size_divisible_by: 1, model_config: modelConfig(run.config) },
    optimizer: {
      accumulate_grad_in_fp32: true,
      clip_grad: OPTIMIZER.clip,
      // wsd: warmup, constant, then linear decay to 0 over the last 20 % of the steps.
      learning_rate_scheduler: { learning_rate: run.lr, lr_decay_starting_step: run.steps - decaySteps, lr_decay_steps: Math.max(1, decaySteps), lr_decay_style: 'linear', lr_warmup_steps: run.warmupSteps, lr_warmup_style: 'linear', min_decay_lr: 0 },
      optimizer_factory: { adam_beta1: OPTIMIZER.beta1, adam_beta2: OPTIMIZER.beta2, adam_eps: OPTIMIZER.eps, name: 'adamW', torch_adam_is_fused: true },
      weight_decay: OPTIMIZER.weightDecay,
      zero_stage: 0,
    },
    parallelism: { dp: 1, expert_parallel_size: 1, pp: 1, pp_engine: '1f1b', tp: 1, tp_linear_async_communication: true, tp_mode: 'REDUCE_SCATTER' },
    profiler: null,
    tokenizer: { tokenizer_max_length: null, tokenizer_name_or_path: 'REPLACE_ME/byte-tokenizer', tokenizer_revision: null },
    // The studio's gradient accumulation as nanotron's: micro_batch_size x batch_accumulation_per_replica = batchSize.
    tokens: { batch_accumulation_per_replica: run.batchSize / (run.microBatch || run.batchSize), limit_test_batches: 0, limit_val_batches: 0, micro_batch_size: run.microBatch || run.batchSize, sequence_length: run.seqLen, train_steps: run.steps, val_check_interval: -1 },
  };
}

/** A mix share without float noise (1 - 0.3 is 0.7, not 0.7000000000000001). */
const share = (x: number) => Number(x.toPrecision(12));
/** nanotron's fields typed float; its loader (PyYAML, YAML 1.1, then dacite) reads `1` as an int and `1e-8` as a string. */
const FLOAT_KEYS = ['adam_beta1', 'adam_beta2', 'adam_eps', 'clip_grad', 'initializer_range', 'learning_rate', 'min_decay_lr', 'rms_norm_eps', 'rope_theta', 'std', 'weight_decay'];

/** A number as YAML 1.1 reads a float: with a point, and a signed exponent (1.0, 1.0e-8, 1.5e+21). */
export function yaml11Float(x: number): string {
  const [mantissa, exponent] = String(x).split('e');
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return exponent === undefined ? m : `${m}e${/^[+-]/.test(exponent) ? exponent : `+${exponent}`}`;
}

const FLOAT_LINE = new RegExp(`^(\\s*(?:${FLOAT_KEYS.join('|')}): )(-?[0-9][0-9.e+-]*)$`, 'gm');
/** yaml's stringify, with the float fields written so nanotron reads them as floats. */
const toYaml = (v: unknown): string => stringify(v).replace(FLOAT_LINE, (_, key: string, num: string) => key + yaml11Float(Number(num)));

const comment = (lines: string[]) => lines.map((l) => `# ${l}`.trimEnd()).join('\n') + '\n';

const COMMON_NOTES = [
  'REPLACE_ME/... are placeholders: point each dataset at a Hugging Face dataset (or local path) with a "text" column.',
  'tokenizer_name_or_path: the studio trains with a byte-level tokenizer (ids 0-255 are the bytes, 256 <s>, 257 </s>, 258 <pad>).',
  'Use the directory of a Hugging Face export from the studio (it holds that tokenizer.json), or your own tokenizer and vocab_size for a real run.',
];

/** Where a model stage's weights are when a later run starts from them. */
function initPath(plan: ExperimentPlan, stageId: string): string {
  const stage = plan.stages.find((s) => s.id === stageId) as BaseStage | undefined;
  return stage?.kind === 'base' && stage.train ? `${checkpointDir(stageId)}/${stage.train.steps}` : checkpointDir(stageId);
}

/** One nanotron YAML per training run: the base when it trains from scratch, and every adapt stage. */
export function nanotronConfigs(plan: ExperimentPlan, recipe: Recipe): ExportFile[] {
  const project = safeStageName(recipe.name.toLowerCase()).replace(/^-+|-+$/g, '') || 'grow-up-and-merge';
  const files: ExportFile[] = [];
  for (const s of plan.stages) {
    if (s.kind === 'base' && s.train) {
      const t = s.train;
      const header = comment([
        `${recipe.name}: stage ${s.id}. ${s.title}.`,
        `The studio ran ${t.steps} steps of ${t.batchSize} x ${t.seqLen} tokens (${formatFlops(t.flops)}); scale steps, batch and model up together for a full-size run.`,
        ...COMMON_NOTES,
      ]);
      files.push({ name: nanotronFileName(s.id), text: header + toYaml(nanotronConfig(project, s.id, t, [dataStage(`Train the base on ${t.corpus}`, placeholder(t.corpus), t.seed)])) });
    } else if (s.kind === 'adapt') {
      files.push({ name: nanotronFileName(s.id), text: adaptHeader(plan, recipe, s) + toYaml(nanotronConfig(project, s.id, s, [adaptData(s)], initPath(plan, s.inputs[0]))) });
    }
  }
  return files;
}

function adaptData(s: AdaptStage) {
  const mix = s.replay > 0 ? { [placeholder(s.corpus)]: share(1 - s.replay), [placeholder(s.replayCorpus)]: s.replay } : placeholder(s.corpus);
  return dataStage(`Adapt to ${s.language} with ${Math.round(s.replay * 100)} % ${s.replayCorpus} replay`, mix, s.seed);
}

function adaptHeader(plan: ExperimentPlan, recipe: Recipe, s: AdaptStage): string {
  const from = s.inputs[0];
  const grown = from !== 'base';
  return comment([
    `${recipe.name}: stage ${s.id}. ${s.title}.`,
    `Continued pretraining of the ${grown ? `HyperCloned x${s.scale}` : '1x'} model on ${s.corpus}, with ${s.replayCorpus} replayed as ${Math.round(s.replay * 100)} % of each batch.`,
    `FLOP matching: every scale of ${s.language} gets the same budget (${formatFlops(s.budgetFlops)}); at ${formatFlops(s.flopsPerStep)} a step this model takes ${s.steps} steps (${formatFlops(s.flops)}).`,
    `If you change the batch shape or the model size, recompute train_steps as floor(budget / FLOPs per step) for every scale.`,
    `init_method.path: the weights of stage ${from} in nanotron's checkpoint layout${grown ? ` (the base grown to x${s.scale} with HyperCloning, see README.md)` : ''}.`,
    'hf_dataset_or_datasets as a mapping: nanotron keeps that share of each dataset\'s rows and concatenates them, so the batch shares',
    `match the studio's (${share(1 - s.replay)} target, ${s.replay} English) only if both datasets have the same number of rows; rescale the numbers otherwise.`,
    ...(s.config.logit_scale !== 1 ? [`logit_scale ${s.config.logit_scale}: nanotron's Llama has no logit scale; fold it into the final norm (multiply model.norm.weight by ${s.config.logit_scale}, exact for a tied or untied head) when converting the grown weights, as the studio's safetensors export does.`] : []),
    ...COMMON_NOTES,
  ]);
}

/** A short README for the exported folder. */
export function scaleOutReadme(plan: ExperimentPlan, recipe: Recipe): string {
  const adapts = plan.stages.filter((s): s is AdaptStage => s.kind === 'adapt');
  const grows = plan.stages.filter((s) => s.kind === 'grow');
  const merges = plan.stages.filter((s) => s.kind === 'merge');
  const base = plan.stages.find((s): s is BaseStage => s.kind === 'base');
  const lines = [
    `# ${recipe.name}: scale-out files`,
    '',
    'Grow Up and Merge Studio ran this study in the browser on small models. These files rerun it with',
    '[nanotron](https://github.com/huggingface/nanotron) for training and [mergekit](https://github.com/arcee-ai/mergekit) for merging.',
    '',
    '## Order',
    '',
    base?.train
      ? `1. \`${nanotronFileName('base')}\`: train the base model from scratch on ${base.train.corpus}.`
      : `1. The base is the studio checkpoint ${base?.checkpoint ?? '?'}: convert it to nanotron's layout under \`${checkpointDir('base')}\`.`,
    grows.length
      ? `2. Grow the base with HyperCloning (${grows.map((g) => g.id.replace('grow:', '')).join(', ')}): each grown model computes the same function as the base at a multiple of its width; save each as \`${checkpointDir('grow:x2')}\`-style folders (one per factor). The studio exports grown checkpoints in Hugging Face format.`
      : '2. No growth: this recipe has a single scale.',
    `3. \`nanotron/adapt-*.yaml\` (${adapts.length} runs): continued pretraining of each model on each language with English replay. Each starts from its model's checkpoint (\`model.init_method.path\`).`,
    `4. \`mergekit/merge-*.yaml\` (${merges.length} merges): merge the adapted experts of each scale. Replace the model names with the paths of the adapted checkpoints (converted to Hugging Face format).`,
    '',
    '## FLOP matching',
    '',
    'Every scale of a language gets the same training FLOPs, so the grown runs take fewer steps:',
    '',
    ...adapts.map((s) => `- ${s.id}: ${s.steps} steps at ${formatFlops(s.flopsPerStep)} a step = ${formatFlops(s.flops)} (budget ${formatFlops(s.budgetFlops)})`),
    '',
    'Scaling up means choosing a new budget per language and setting each run\'s `tokens.train_steps` to floor(budget / FLOPs per step) of that model.',
    '',
    '## Placeholders',
    '',
    '`REPLACE_ME/<corpus>` dataset names and the tokenizer path must be pointed at real data; each YAML says what it expects in its header comment.',
  ];
  return lines.join('\n') + '\n';
}
