// Files to rerun a studio experiment at full size outside the browser: one nanotron training
// config per run (laid out like nanotron's examples/config_tiny_llama.yaml and checked field by
// field against nanotron's config classes in nanotronSchema.test.ts), the data preparation
// script that tokenizes the exported corpora into the folders those configs read, a README that
// says how they chain (HyperCloning between the base and the grown runs, mergekit after), and
// the names of the mergekit files the app writes from each merge's record (see merge/mergekit.ts).
// Every path is relative to the exported folder, where the user runs every command.
import { stringify } from 'yaml';
import type { LlamaConfig } from '../model/config';
import { formatFlops } from '../numeric/formatFlops';
import { PY_FLOAT_TAG, PyFloat } from '../numeric/yaml11';

export { yaml11Float } from '../numeric/yaml11';
import type { AdaptStage, BaseStage, ExperimentPlan, GrowStage, PlannedRun } from './plan';
import type { Recipe } from './recipe';
import { BYTE_VOCAB_SIZE } from '../tokenizer/byte';

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

/**
 * The tokenizer folder the configs name (tokenizer.tokenizer_name_or_path) and the data
 * preparation records in each dataset's .metadata: nanotron's NanosetDatasetsArgs reads that
 * name back, loads it with transformers' AutoTokenizer and asserts it equals the config's.
 */
export const TOKENIZER_DIR = 'tokenizer';
/** Where the export puts a corpus's training text (one document a line). */
export const corpusTextFile = (corpus: string): string => `data/${safeStageName(corpus)}.txt`;
/** Where prepare_data.py writes a corpus's tokens (datatrove's .ds, .ds.index, .ds.metadata). */
export const datasetFolder = (corpus: string): string => `datasets/${safeStageName(corpus)}`;
export const PREPARE_DATA_SCRIPT = 'prepare_data.py';
/** The scale-out folder's files by path ('…/' a folder): what the studio's scale-out zip holds. */
export const SCALE_OUT_PATHS = ['nanotron/', 'mergekit/', `${TOKENIZER_DIR}/`, 'data/', PREPARE_DATA_SCRIPT, 'SCALE_OUT.md'];

/** A float field's value (dacite refuses an int where the dataclass says float). */
const float = (x: number) => new PyFloat(x);

/** One data stage reading the tokenized corpora, mixed by weight (nanotron's Nanoset blending). */
function dataStage(name: string, mix: [corpus: string, weight: number][], seed: number) {
  return {
    data: {
      dataset: { dataset_folder: mix.map(([c]) => datasetFolder(c)), dataset_weights: mix.map(([, w]) => float(w)) },
      num_loading_workers: 1,
      seed,
    },
    name,
    start_training_step: 1,
  };
}

function modelConfig(c: LlamaConfig) {
  return {
    bos_token_id: BYTE_IDS.bos, eos_token_id: BYTE_IDS.eos, hidden_act: c.hidden_act, hidden_size: c.hidden_size, initializer_range: float(0.02),
    intermediate_size: c.intermediate_size, is_llama_config: true, max_position_embeddings: c.max_position_embeddings, num_attention_heads: c.num_attention_heads,
    num_hidden_layers: c.num_hidden_layers, num_key_value_heads: c.num_key_value_heads, pad_token_id: BYTE_IDS.pad, pretraining_tp: 1, rms_norm_eps: float(c.rms_norm_eps),
    rope_scaling: null, rope_theta: float(c.rope_theta), tie_word_embeddings: c.tie_word_embeddings, use_cache: true, vocab_size: c.vocab_size,
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
    model: { ddp_bucket_cap_mb: 25, dtype: 'bfloat16', init_method: init ? { path: init } : { std: float(0.02) }, make_vocab_size_divisible_by: 1, model_config: modelConfig(run.config) },
    optimizer: {
      accumulate_grad_in_fp32: true,
      clip_grad: float(OPTIMIZER.clip),
      // wsd: warmup, constant, then linear decay to 0 over the last 20 % of the steps.
      learning_rate_scheduler: { learning_rate: float(run.lr), lr_decay_starting_step: run.steps - decaySteps, lr_decay_steps: Math.max(1, decaySteps), lr_decay_style: 'linear', lr_warmup_steps: run.warmupSteps, lr_warmup_style: 'linear', min_decay_lr: float(0) },
      optimizer_factory: { adam_beta1: float(OPTIMIZER.beta1), adam_beta2: float(OPTIMIZER.beta2), adam_eps: float(OPTIMIZER.eps), name: 'adamW', torch_adam_is_fused: true },
      weight_decay: float(OPTIMIZER.weightDecay),
      zero_stage: 0,
    },
    parallelism: { dp: 1, expert_parallel_size: 1, pp: 1, pp_engine: '1f1b', tp: 1, tp_linear_async_communication: true, tp_mode: 'REDUCE_SCATTER' },
    profiler: null,
    tokenizer: { tokenizer_max_length: null, tokenizer_name_or_path: TOKENIZER_DIR, tokenizer_revision: null },
    // The studio's gradient accumulation as nanotron's: micro_batch_size x batch_accumulation_per_replica = batchSize.
    tokens: { batch_accumulation_per_replica: run.batchSize / (run.microBatch || run.batchSize), limit_test_batches: 0, limit_val_batches: 0, micro_batch_size: run.microBatch || run.batchSize, sequence_length: run.seqLen, train_steps: run.steps, val_check_interval: -1 },
  };
}

/** A mix share without float noise (1 - 0.3 is 0.7, not 0.7000000000000001). */
const share = (x: number) => Number(x.toPrecision(12));
/** yaml's stringify, with the PyFloat values written so nanotron reads them as floats. */
const toYaml = (v: unknown): string => stringify(v, { customTags: [PY_FLOAT_TAG] });

const comment = (lines: string[]) => lines.map((l) => `# ${l}`.trimEnd()).join('\n') + '\n';

const COMMON_NOTES = [
  `Run from the exported folder: torchrun --nproc_per_node=1 <nanotron>/run_train.py --config-file <this file>, after python3 ${PREPARE_DATA_SCRIPT} (see SCALE_OUT.md).`,
  `dataset_folder: the corpora tokenized by ${PREPARE_DATA_SCRIPT} (datasets/<corpus>/, from data/<corpus>.txt); dataset_weights: each one's share of the samples.`,
  `tokenizer_name_or_path: the studio's byte-level tokenizer in ${TOKENIZER_DIR}/ (ids 0-255 are the bytes, 256 <s>, 257 </s>, 258 <pad>);`,
  `it must equal the tokenizer name ${PREPARE_DATA_SCRIPT} records in each dataset's .metadata, which nanotron checks.`,
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
      files.push({ name: nanotronFileName(s.id), text: header + toYaml(nanotronConfig(project, s.id, t, [dataStage(`Train the base on ${t.corpus}`, [[t.corpus, 1]], t.seed)])) });
    } else if (s.kind === 'adapt') {
      files.push({ name: nanotronFileName(s.id), text: adaptHeader(plan, recipe, s) + toYaml(nanotronConfig(project, s.id, s, [adaptData(s)], initPath(plan, s.inputs[0]))) });
    }
  }
  return files;
}

function adaptData(s: AdaptStage) {
  const mix: [string, number][] = s.replay > 0 ? [[s.corpus, share(1 - s.replay)], [s.replayCorpus, s.replay]] : [[s.corpus, 1]];
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
    `init_method.path: the weights of stage ${from} in nanotron's checkpoint layout${grown ? ` (the base grown to x${s.scale} with HyperCloning in the studio, converted with nanotron's examples/llama/convert_hf_to_nanotron.py, see SCALE_OUT.md)` : ''}.`,
    `dataset_weights: nanotron draws that share of each step's samples from each dataset, as the studio mixed its batches (${share(1 - s.replay)} target, ${s.replay} replay).`,
    ...(s.config.logit_scale !== 1 ? [`logit_scale ${s.config.logit_scale}: nanotron's Llama has no logit scale; the studio's Hugging Face export folds it into model.norm.weight (exact for a tied or untied head), so the converted weights give the studio's logits.`] : []),
    ...COMMON_NOTES,
  ]);
}

/** Where SCALE_OUT.md has a stage's model in Hugging Face format (what mergekit and the studio read). */
export const hfModelDir = (stageId: string): string => `hf/${safeStageName(stageId)}`;

/** The corpora the plan's training runs read, each once, in the order they first appear. */
export function scaleOutCorpora(plan: ExperimentPlan): string[] {
  const ids: string[] = [];
  for (const s of plan.stages) {
    const used = s.kind === 'base' && s.train ? [s.train.corpus] : s.kind === 'adapt' ? [s.corpus, ...(s.replay > 0 ? [s.replayCorpus] : [])] : [];
    for (const c of used) if (!ids.includes(c)) ids.push(c);
  }
  return ids;
}

const pyString = (x: string) => JSON.stringify(x);

/**
 * The data preparation nanotron needs before run_train.py: each corpus's text tokenized into the
 * folder its configs name (datatrove's TokenizedFile: uint16 ids in .ds, document ends in
 * .ds.index, "tokenizer|2" and the token count in .ds.metadata). nanotron's own
 * tools/preprocess_data.py cannot make these for the exported tokenizer: datatrove loads a local
 * tokenizer only from its tokenizer.json file and records that file's path in the .metadata,
 * which transformers' AutoTokenizer (nanotron's loader, which must be given the same name)
 * cannot open; and it passes DocumentTokenizer(shuffle=...), which datatrove renamed.
 */
export function prepareDataScript(plan: ExperimentPlan): ExportFile {
  const corpora = scaleOutCorpora(plan).map((c) => `    (${pyString(corpusTextFile(c))}, ${pyString(datasetFolder(c))}),`);
  const text = `#!/usr/bin/env python3
"""Tokenizes the exported corpora for nanotron. Written by Grow Up and Merge Studio.

Run it from the exported folder, once, before run_train.py (see SCALE_OUT.md):

    python3 ${PREPARE_DATA_SCRIPT}

Each corpus in data/ (one document a line) becomes a folder under datasets/ holding datatrove's
tokenized files, the format nanotron's Nanoset data stages read (data_stages[].data.dataset.
dataset_folder): 00000_tokenized.ds (uint16 token ids), .ds.index (document ends) and
.ds.metadata, whose first line "${TOKENIZER_DIR}|2" names the tokenizer folder. nanotron loads that
name with transformers' AutoTokenizer and checks it equals tokenizer.tokenizer_name_or_path.
Every document starts with <s> (id ${BYTE_IDS.bos}), as the studio starts every training window, and
keeps its line break.
"""
import os
import sys

from datatrove.pipeline.tokens.tokenizer import TokenizedFile
from tokenizers import Tokenizer

TOKENIZER_DIR = ${pyString(TOKENIZER_DIR)}
VOCAB_SIZE = ${BYTE_VOCAB_SIZE}
BOS_ID = ${BYTE_IDS.bos}
CORPORA = [
${corpora.join('\n')}
]


def main():
    tokenizer = Tokenizer.from_file(os.path.join(TOKENIZER_DIR, "tokenizer.json"))
    if tokenizer.get_vocab_size(with_added_tokens=True) != VOCAB_SIZE:
        sys.exit(f"{TOKENIZER_DIR}/tokenizer.json has {tokenizer.get_vocab_size(with_added_tokens=True)} tokens; the configs say vocab_size {VOCAB_SIZE}")
    for text_file, folder in CORPORA:
        with open(text_file, encoding="utf-8") as f:
            documents = [line for line in f.read().splitlines(keepends=True) if line.strip()]
        if not documents:
            sys.exit(f"{text_file} has no text")
        out = TokenizedFile(folder, "00000_tokenized.ds", save_index=True, tokenizer_name_or_path=TOKENIZER_DIR, save_final_metadata=True, token_size=2)
        tokens = 0
        for encoding in tokenizer.encode_batch(documents):
            ids = encoding.ids
            if ids[0] != BOS_ID:
                sys.exit(f"{TOKENIZER_DIR}/tokenizer.json does not start a document with <s> (id {BOS_ID})")
            out.write(ids, None)
            tokens += len(ids)
        out.close()
        print(f"{folder}: {len(documents)} documents, {tokens} tokens")


if __name__ == "__main__":
    main()
`;
  return { name: PREPARE_DATA_SCRIPT, text };
}

/** The pinned versions SCALE_OUT.md installs (see the repository's SCALE_OUT.md for why each). */
export const NANOTRON_COMMIT = '2411b022a75fb7f7561a1bb4166706da5e1b76de';
export const DATATROVE_COMMIT = '2c895af7a95010a96fa53e2dc77cc0ce92799e3f';
export const MERGEKIT_COMMIT = 'a6e402884ba9bc30da7f23e8304a35f19485de95';

/**
 * The exported folder's SCALE_OUT.md: every command in the order they run, with this plan's
 * files, stage folders and step counts filled in. Run from the exported folder ($RUN).
 */
export function scaleOutReadme(plan: ExperimentPlan, recipe: Recipe): string {
  const adapts = plan.stages.filter((s): s is AdaptStage => s.kind === 'adapt');
  const grows = plan.stages.filter((s): s is GrowStage => s.kind === 'grow');
  const merges = plan.stages.filter((s) => s.kind === 'merge');
  const base = plan.stages.find((s): s is BaseStage => s.kind === 'base');
  const torchrun = 'CUDA_DEVICE_MAX_CONNECTIONS=1 torchrun --nproc_per_node=1';
  const toHf = (ckpt: string, stageId: string) => `(cd "$NANOTRON" && torchrun --nproc_per_node=1 -m examples.llama.convert_nanotron_to_hf --checkpoint_path "$RUN/${ckpt}" --save_path "$RUN/${hfModelDir(stageId)}" --tokenizer_name "$RUN/${TOKENIZER_DIR}")`;
  const toNanotron = (stageId: string) => `(cd "$NANOTRON" && torchrun --nproc_per_node=1 -m examples.llama.convert_hf_to_nanotron --checkpoint_path "$RUN/${hfModelDir(stageId)}" --save_path "$RUN/${checkpointDir(stageId)}")`;
  const code = (lines: string[]) => ['```sh', ...lines, '```'];
  const lines = [
    `# ${recipe.name}: scale-out files`,
    '',
    'Grow Up and Merge Studio ran this study in the browser on small models. These files rerun it with',
    '[nanotron](https://github.com/huggingface/nanotron) for training and [mergekit](https://github.com/arcee-ai/mergekit) for merging.',
    'Run every command from this folder; the repository\'s SCALE_OUT.md explains each one and the sources it was checked against.',
    '',
    `- \`${TOKENIZER_DIR}/\`: the byte-level tokenizer (tokenizer.json, tokenizer_config.json) every config names`,
    `- \`data/*.txt\`: the corpora the runs train on (${scaleOutCorpora(plan).join(', ')}), one document a line`,
    `- \`${PREPARE_DATA_SCRIPT}\`: tokenizes them into \`datasets/<corpus>/\`, the folders the configs read`,
    `- \`nanotron/*.yaml\`: one training config per run; \`mergekit/*.yaml\`: one config per finished merge`,
    '',
    '## 1. Install (once)',
    '',
    ...code([
      'RUN=$(pwd)',
      `git clone https://github.com/huggingface/nanotron && (cd nanotron && git checkout ${NANOTRON_COMMIT})`,
      'NANOTRON=$RUN/nanotron',
      'pip install torch --index-url https://download.pytorch.org/whl/cu124',
      'pip install -e "$NANOTRON" transformers numba pybind11',
      'pip install ninja triton "flash-attn>=2.5.0" --no-build-isolation',
      `pip install "datatrove[io,processing] @ git+https://github.com/huggingface/datatrove@${DATATROVE_COMMIT}"`,
      'git clone https://github.com/arcee-ai/mergekit && (cd mergekit && git checkout ' + MERGEKIT_COMMIT + ') && pip install -e ./mergekit',
    ]),
    '',
    '## 2. Prepare the data',
    '',
    ...code([`python3 ${PREPARE_DATA_SCRIPT}`]),
    '',
    '## 3. The base model',
    '',
    ...(base?.train
      ? code([`${torchrun} "$NANOTRON/run_train.py" --config-file ${nanotronFileName('base')}`, toHf(`${checkpointDir('base')}/${base.train.steps}`, 'base')])
      : [`The base is the studio checkpoint ${base?.checkpoint ?? '?'}: export it from the studio in Hugging Face format (\`studio.exportCheckpointArchive\`), unzip it and rename its folder to \`${hfModelDir('base')}/\`, then:`, '', ...code([toNanotron('base')])]),
    '',
    '## 4. Grow it (in the studio)',
    '',
    ...(grows.length
      ? [
        `HyperCloning runs in the studio, not in nanotron: import \`${hfModelDir('base')}/\` (Models, Import, or \`studio.importFiles\`), grow it (${grows.map((g) => `\`studio.grow(id, {method: 'hyperclone', factor: ${g.factor}, noiseSnrDb: ${g.noiseSnrDb}, seed: ${g.seed}})\``).join(', ')}), export each grown model (\`studio.exportCheckpointArchive\`), unzip it and rename its folder to ${grows.map((g) => `\`${hfModelDir(g.id)}/\``).join(', ')}. Then:`,
        '',
        ...code(grows.map((g) => toNanotron(g.id))),
      ]
      : ['No growth: this recipe has a single scale.']),
    '',
    `## 5. Adapt (${adapts.length} runs) and convert each to Hugging Face format`,
    '',
    ...code(adapts.flatMap((s) => [`${torchrun} "$NANOTRON/run_train.py" --config-file ${nanotronFileName(s.id)}`, toHf(`${checkpointDir(s.id)}/${s.steps}`, s.id)])),
    '',
    `## 6. Merge (${merges.length} merges)`,
    '',
    ...code(merges.map((m) => `mergekit-yaml ${mergeStageFileName(m.id)} merged/${safeStageName(m.id)}`)),
    '',
    `The mergekit files name the models by their \`hf/<stage>/\` folders. A merge the studio ran with its own formulation (no mergekit equivalent) or that had not finished has no file.`,
    '',
    '## 7. Back into the studio',
    '',
    'Import each `merged/<merge>/` folder (Models, Import, or `studio.importFiles` with its config.json, model.safetensors and tokenizer.json) and evaluate it.',
    '',
    '## FLOP matching',
    '',
    'Every scale of a language gets the same training FLOPs, so the grown runs take fewer steps:',
    '',
    ...adapts.map((s) => `- ${s.id}: ${s.steps} steps at ${formatFlops(s.flopsPerStep)} a step = ${formatFlops(s.flops)} (budget ${formatFlops(s.budgetFlops)})`),
    '',
    'Scaling up means choosing a new budget per language and setting each run\'s `tokens.train_steps` to floor(budget / FLOPs per step) of that model.',
  ];
  return lines.join('\n') + '\n';
}
