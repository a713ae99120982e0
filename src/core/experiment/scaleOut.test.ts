import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { clone } from '../testing/experimentFixtures';
import { type AdaptStage, type BaseStage, planExperiment } from './plan';
import { RECIPE_PRESETS } from './recipe';
import { mergeStageFileName, nanotronConfigs, prepareDataScript, scaleOutCorpora, scaleOutReadme, yaml11Float } from './scaleOut';

const recipe = clone(RECIPE_PRESETS[0].recipe);
const plan = planExperiment(recipe);
const files = nanotronConfigs(plan, recipe);
const byName = Object.fromEntries(files.map((f) => [f.name, parse(f.text)]));

describe('nanotronConfigs', () => {
  it('writes one config per training run', () => {
    expect(files.map((f) => f.name)).toEqual(['nanotron/base.yaml', 'nanotron/adapt-isl-x1.yaml', 'nanotron/adapt-isl-x2.yaml', 'nanotron/adapt-fao-x1.yaml', 'nanotron/adapt-fao-x2.yaml']);
  });

  it('carries each stage\'s steps, batch shape, model and optimiser in nanotron\'s layout', () => {
    for (const s of plan.stages) {
      const run = s.kind === 'adapt' ? s : s.kind === 'base' ? s.train : undefined;
      if (!run) continue;
      const c = byName[`nanotron/${s.id.replace(/:/g, '-')}.yaml`];
      expect(Object.keys(c)).toEqual(['checkpoints', 'data_stages', 'general', 'lighteval', 'logging', 'model', 'optimizer', 'parallelism', 'profiler', 'tokenizer', 'tokens']);
      expect(c.tokens).toMatchObject({ train_steps: run.steps, micro_batch_size: run.batchSize, sequence_length: run.seqLen, batch_accumulation_per_replica: 1 });
      expect(c.model.model_config).toMatchObject({ hidden_size: run.config.hidden_size, num_hidden_layers: run.config.num_hidden_layers, vocab_size: 259, bos_token_id: 256, eos_token_id: 257, pad_token_id: 258, is_llama_config: true });
      expect(c.model.dtype).toBe('bfloat16');
      expect(c.optimizer.learning_rate_scheduler).toMatchObject({ learning_rate: run.lr, lr_warmup_steps: run.warmupSteps, lr_decay_style: 'linear' });
      expect(c.optimizer.optimizer_factory).toMatchObject({ name: 'adamW', adam_beta1: 0.9, adam_beta2: 0.95 });
      expect(c.parallelism).toMatchObject({ dp: 1, pp: 1, tp: 1 });
      expect(c.general.seed).toBe(run.seed);
    }
  });

  it('trains the base from random init and starts every adaptation from its model\'s checkpoint', () => {
    const base = plan.stages[0] as BaseStage;
    expect(byName['nanotron/base.yaml'].model.init_method).toEqual({ std: 0.02 });
    expect(byName['nanotron/base.yaml'].data_stages[0].data.dataset).toEqual({ dataset_folder: ['datasets/eng-brown'], dataset_weights: [1] });
    expect(byName['nanotron/adapt-isl-x1.yaml'].model.init_method).toEqual({ path: `checkpoints/base/${base.train!.steps}` });
    expect(byName['nanotron/adapt-isl-x2.yaml'].model.init_method).toEqual({ path: 'checkpoints/grow-x2' });
    expect(byName['nanotron/adapt-isl-x2.yaml'].model.model_config.hidden_size).toBe(64);
  });

  it('mixes the target and the replay corpus with the recipe\'s shares and says how', () => {
    const s = plan.stages.find((x): x is AdaptStage => x.id === 'adapt:fao:x2')!;
    const text = files.find((f) => f.name === 'nanotron/adapt-fao-x2.yaml')!.text;
    expect(byName['nanotron/adapt-fao-x2.yaml'].data_stages[0].data.dataset).toEqual({ dataset_folder: ['datasets/udhr-fao', 'datasets/eng-brown'], dataset_weights: [0.75, 0.25] });
    expect(text).toMatch(/^# .*adapt:fao:x2/);
    expect(text).toContain(`takes ${s.steps} steps`);
    expect(text).toContain('logit_scale 0.5');
    expect(text).toContain('byte-level tokenizer');
    expect(text).toContain('dataset_weights: nanotron draws that share of each step\'s samples');
    expect(text).not.toContain('REPLACE_ME');
  });

  it('tokenizes each corpus once, with the byte tokenizer\'s vocabulary and <s> first', () => {
    const script = prepareDataScript(plan).text;
    expect(scaleOutCorpora(plan)).toEqual(['eng-brown', 'udhr-isl', 'udhr-fao']);
    expect(script.match(/^ {4}\("data\/[^"]+\.txt", "datasets\/[^"]+"\),$/gm)).toEqual(['    ("data/eng-brown.txt", "datasets/eng-brown"),', '    ("data/udhr-isl.txt", "datasets/udhr-isl"),', '    ("data/udhr-fao.txt", "datasets/udhr-fao"),']);
    expect(script).toContain('BOS_ID = 256');
    expect(script).toContain('token_size=2');
  });
});

describe('floats nanotron reads as floats', () => {
  // PyYAML's (YAML 1.1) float: a point is required and an exponent must be signed.
  const PY_FLOAT = /^[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?$/;

  it('writes a point and a signed exponent', () => {
    expect([1, 0, 0.9, 1e-8, 1e-5, 1.5e21, 3e-7, -2].map(yaml11Float)).toEqual(['1.0', '0.0', '0.9', '1.0e-8', '0.00001', '1.5e+21', '3.0e-7', '-2.0']);
    for (const x of [1, 1e-8, 1.5e21, 0.003]) expect(yaml11Float(x)).toMatch(PY_FLOAT);
  });

  it('uses them for every float field of the configs', () => {
    const text = files[1].text;
    expect(text).toContain('adam_eps: 1.0e-8');
    expect(text).toContain('clip_grad: 1.0');
    expect(text).toContain('rope_theta: 10000.0');
    expect(text).toContain('min_decay_lr: 0.0');
    for (const m of text.matchAll(/^\s*(?:adam_\w+|clip_grad|learning_rate|min_decay_lr|weight_decay|rms_norm_eps|rope_theta|initializer_range|std): (.*)$/gm)) expect(m[1]).toMatch(PY_FLOAT);
    expect(files[0].text).toMatch(/dataset_weights:\n\s+- 1\.0\n/);
    expect(byName['nanotron/adapt-isl-x1.yaml'].optimizer.optimizer_factory.adam_eps).toBe(1e-8);
  });
});

describe('scale-out names and README', () => {
  it('names merge files safely', () => {
    expect(mergeStageFileName('merge:ties:isl+fao:x2')).toBe('mergekit/merge-ties-isl+fao-x2.yaml');
    expect(mergeStageFileName('merge:a/b c:x1')).toBe('mergekit/merge-a-b-c-x1.yaml');
  });

  it('gives the commands in the order they run, with this plan\'s files and steps', () => {
    const md = scaleOutReadme(plan, recipe);
    const order = ['python3 prepare_data.py', '--config-file nanotron/base.yaml', 'convert_nanotron_to_hf --checkpoint_path "$RUN/checkpoints/base/', "studio.grow(id, {method: 'hyperclone', factor: 2", 'convert_hf_to_nanotron --checkpoint_path "$RUN/hf/grow-x2"', '--config-file nanotron/adapt-isl-x1.yaml', '--save_path "$RUN/hf/adapt-isl-x1"', 'mergekit-yaml mergekit/merge-ties-isl+fao-x1.yaml merged/merge-ties-isl+fao-x1'];
    const at = order.map((x) => md.indexOf(x));
    expect(at.every((i) => i >= 0), order.filter((_, i) => at[i] < 0).join(', ')).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(md).toContain('## 6. Merge (4 merges)');
    for (const s of plan.stages.filter((x): x is AdaptStage => x.kind === 'adapt')) expect(md).toContain(`- ${s.id}: ${s.steps} steps`);
    expect(md).not.toContain('REPLACE_ME');
  });
});
