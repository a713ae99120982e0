// The exported nanotron configs against nanotron's own config classes (testing/nanotronSchema.ts:
// the dataclasses of src/nanotron/config/*.py at nanotron commit 2411b022a75f, read as PyYAML and
// dacite read them), the cross-field checks of Config.__post_init__ and run_train.py, and the
// data preparation the configs' data stages depend on.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { byteTokenizerJson, BYTE_VOCAB_SIZE } from '../tokenizer/byte';
import { clone } from '../testing/experimentFixtures';
import { NANOTRON_DATACLASSES } from '../testing/nanotronSchema';
import { checkPy, loadPyYaml, pyGet, type PyValue } from '../testing/pyYaml';
import { planExperiment } from './plan';
import { RECIPE_PRESETS } from './recipe';
import { corpusTextFile, datasetFolder, nanotronConfigs, prepareDataScript, scaleOutCorpora, scaleOutReadme, TOKENIZER_DIR } from './scaleOut';

const CONFIG = { kind: 'dataclass', name: 'Config' } as const;
const check = (text: string) => checkPy(loadPyYaml(text), CONFIG, 'config', NANOTRON_DATACLASSES);
const num = (v: PyValue) => Number((v as { raw: string }).raw);
const raw = (v: PyValue) => (v as { raw: string }).raw;
const items = (v: PyValue) => (v.t === 'seq' ? v.items : []);

const exports = RECIPE_PRESETS.map((p) => {
  const recipe = clone(p.recipe);
  const plan = planExperiment(recipe);
  return { id: p.id, plan, recipe, files: nanotronConfigs(plan, recipe) };
});
const quick = exports[0];
const baseText = quick.files.find((f) => f.name === 'nanotron/base.yaml')!.text;

describe('exported nanotron configs load as nanotron\'s Config', () => {
  it('every field of every config exists in nanotron\'s dataclasses with its type, and none required is missing', () => {
    for (const e of exports) {
      expect(e.files.length, e.id).toBeGreaterThan(0);
      for (const f of e.files) expect(check(f.text), `${e.id} ${f.name}`).toEqual([]);
    }
  });

  it('the check refuses what nanotron refuses, naming the field', () => {
    const broken = (from: RegExp, to: string) => {
      expect(baseText).toMatch(from);
      return check(baseText.replace(from, to));
    };
    // strict dacite: a key the dataclass does not declare
    expect(broken(/micro_batch_size:/, 'micro_batch_sise:')).toEqual(expect.arrayContaining([expect.stringMatching(/config\.tokens\.micro_batch_sise: TokensArgs .* has no field micro_batch_sise/), expect.stringMatching(/config\.tokens\.micro_batch_size: required by TokensArgs/)]));
    expect(broken(/\n  train_steps: \d+/, '')).toEqual([expect.stringMatching(/config\.tokens\.train_steps: required/)]);
    // PyYAML reads 1e-8 as a str and 1 as an int; dacite wants a float
    expect(broken(/adam_eps: 1\.0e-8/, 'adam_eps: 1e-8')).toEqual([expect.stringMatching(/optimizer\.optimizer_factory: matches none/)]);
    expect(broken(/weight_decay: 0\.01/, 'weight_decay: 1')).toEqual([expect.stringMatching(/config\.optimizer\.weight_decay: expected float, got int "1"/)]);
    expect(broken(/- 1\.0\n/, '- 1\n')).toEqual([expect.stringMatching(/data_stages\[0\]\.data\.dataset: matches none/)]);
    // enumerations: the type hooks and __post_init__ checks
    expect(broken(/dtype: bfloat16/, 'dtype: bf16')).toEqual([expect.stringMatching(/config\.model\.dtype: "bf16" is not one of float32, .*bfloat16.* \(utils_config\.py cast_str_to_torch_dtype\)/)]);
    expect(broken(/lr_decay_style: linear/, 'lr_decay_style: wsd')).toEqual([expect.stringMatching(/lr_decay_style: "wsd" is not one of linear, cosine, 1-sqrt/)]);
    expect(broken(/\n    lr_warmup_style: linear/, '')).toEqual([expect.stringMatching(/lr_warmup_style: required/)]);
    expect(broken(/name: adamW/, 'name: adam')).toEqual([expect.stringMatching(/optimizer_factory: matches none/)]);
    expect(broken(/pp_engine: 1f1b/, 'pp_engine: gpipe')).toEqual([expect.stringMatching(/pp_engine: "gpipe" is not one of afab, 1f1b/)]);
    expect(broken(/hidden_act: silu/, 'hidden_act: swiglu')).toEqual([expect.stringMatching(/hidden_act: "swiglu" is not one of .*silu/)]);
    expect(broken(/tp_mode: REDUCE_SCATTER/, 'tp_mode: reduce_scatter')).toEqual([]); // looked up as x.upper()
    // examples/config_nanoset.yaml's folder -> weight mapping is not what NanosetDatasetsArgs takes now
    expect(broken(/dataset_folder:\n\s+- datasets\/eng-brown\n\s+dataset_weights:\n\s+- 1\.0/, 'dataset_folder:\n          datasets/eng-brown: 1.0')).toEqual([expect.stringMatching(/data_stages\[0\]\.data\.dataset: matches none/)]);
    // a model config with a key LlamaConfig lacks would load as another model class
    expect(broken(/is_llama_config: true/, 'is_qwen2_config: true')).toEqual([expect.stringMatching(/model_config\.is_qwen2_config: LlamaConfig .* has no field/)]);
  });

  it('the enumerations take values nanotron accepts', () => {
    const c = loadPyYaml(baseText);
    expect(raw(pyGet(c, 'model', 'dtype'))).toBe('bfloat16');
    expect(raw(pyGet(c, 'optimizer', 'optimizer_factory', 'name'))).toBe('adamW');
    expect(raw(pyGet(c, 'optimizer', 'learning_rate_scheduler', 'lr_decay_style'))).toBe('linear');
    expect(raw(pyGet(c, 'parallelism', 'pp_engine'))).toBe('1f1b');
    expect(pyGet(c, 'model', 'init_method', 'std').t).toBe('float');
  });
});

describe('Config.__post_init__ and run_train.py accept them', () => {
  it('heads, key-value heads and tp; one data stage at step 1; the learning-rate schedule within the run', () => {
    for (const e of exports) {
      for (const f of e.files) {
        const c = loadPyYaml(f.text);
        const m = (k: string) => num(pyGet(c, 'model', 'model_config', k));
        const tp = num(pyGet(c, 'parallelism', 'tp'));
        const at = `${e.id} ${f.name}`;
        expect(m('num_attention_heads') % tp, at).toBe(0);
        expect(m('num_attention_heads') % m('num_key_value_heads'), at).toBe(0);
        expect(m('num_key_value_heads'), at).toBeGreaterThanOrEqual(tp);
        // flash-attn (models/llama.py calls flash_attn_varlen_func): head_dim a multiple of 8, at most 256
        const head = m('hidden_size') / m('num_attention_heads');
        expect(head % 8 === 0 && head <= 256, `${at} head_dim ${head}`).toBe(true);
        const stages = items(pyGet(c, 'data_stages'));
        expect(stages.map((s) => num(pyGet(s, 'start_training_step'))), at).toEqual([1]);
        const data = pyGet(stages[0], 'data', 'dataset');
        expect(items(pyGet(data, 'dataset_weights')).length, at).toBe(items(pyGet(data, 'dataset_folder')).length);
        const lr = pyGet(c, 'optimizer', 'learning_rate_scheduler');
        const steps = num(pyGet(c, 'tokens', 'train_steps'));
        expect(num(pyGet(lr, 'lr_decay_starting_step')) + num(pyGet(lr, 'lr_decay_steps')), at).toBeLessThanOrEqual(steps);
        expect(num(pyGet(lr, 'lr_warmup_steps')), at).toBeLessThanOrEqual(num(pyGet(lr, 'lr_decay_starting_step')));
      }
    }
  });

  it('the tokenizer is the exported folder, with the vocabulary size the model has (run_train.py: len(tokenizer) == vocab_size)', () => {
    const json = byteTokenizerJson() as { model: { vocab: Record<string, number> }; added_tokens: { id: number }[] };
    const size = Object.keys(json.model.vocab).length + json.added_tokens.length;
    expect(size).toBe(BYTE_VOCAB_SIZE);
    for (const e of exports) {
      for (const f of e.files) {
        const c = loadPyYaml(f.text);
        expect(raw(pyGet(c, 'tokenizer', 'tokenizer_name_or_path'))).toBe(TOKENIZER_DIR);
        expect(num(pyGet(c, 'model', 'model_config', 'vocab_size'))).toBe(size);
      }
    }
  });

  it('each run starts from where the run or conversion before it saves (nanotron writes checkpoints_path/<iteration_step>)', () => {
    const c = (name: string) => loadPyYaml(quick.files.find((f) => f.name === name)!.text);
    const base = c('nanotron/base.yaml');
    expect(raw(pyGet(c('nanotron/adapt-isl-x1.yaml'), 'model', 'init_method', 'path'))).toBe(`${raw(pyGet(base, 'checkpoints', 'checkpoints_path'))}/${raw(pyGet(base, 'tokens', 'train_steps'))}`);
    const grown = raw(pyGet(c('nanotron/adapt-isl-x2.yaml'), 'model', 'init_method', 'path'));
    expect(scaleOutReadme(quick.plan, quick.recipe)).toContain(`convert_hf_to_nanotron --checkpoint_path "$RUN/hf/grow-x2" --save_path "$RUN/${grown}"`);
  });
});

describe('the data preparation the data stages read', () => {
  const script = (e: (typeof exports)[number]) => prepareDataScript(e.plan).text;
  const pairs = (text: string) => [...text.matchAll(/^ {4}\("([^"]+)", "([^"]+)"\),$/gm)].map((m) => [m[1], m[2]]);

  it('prepare_data.py writes every dataset folder a config reads, from the corpus texts the export writes, recording the configs\' tokenizer name', () => {
    for (const e of exports) {
      const text = script(e);
      const written = pairs(text);
      expect(written).toEqual(scaleOutCorpora(e.plan).map((c) => [corpusTextFile(c), datasetFolder(c)]));
      const folders = new Set(written.map(([, folder]) => folder));
      for (const f of e.files) for (const s of items(pyGet(loadPyYaml(f.text), 'data_stages'))) for (const d of items(pyGet(s, 'data', 'dataset', 'dataset_folder'))) expect(folders.has(raw(d)), `${e.id} ${f.name} ${raw(d)}`).toBe(true);
      expect(text).toContain(`TOKENIZER_DIR = "${TOKENIZER_DIR}"`);
      expect(text).toContain('tokenizer_name_or_path=TOKENIZER_DIR');
      expect(text).toContain(`VOCAB_SIZE = ${BYTE_VOCAB_SIZE}`);
    }
    expect(scaleOutCorpora(quick.plan)).toEqual(['eng-brown', 'udhr-isl', 'udhr-fao']);
  });

  const python = spawnSync('python3', ['--version']).status === 0;
  it.skipIf(!python)('prepare_data.py is valid Python', () => {
    for (const e of exports) {
      const r = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: script(e) });
      expect(r.stderr.toString(), e.id).toBe('');
      expect(r.status).toBe(0);
    }
  });
});
