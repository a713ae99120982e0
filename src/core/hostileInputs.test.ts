// Bad input in the pure core (issue 16, item 5): each case gets a sentence naming what is wrong,
// never a JavaScript internal, and no input size reaches a recursion or argument limit.
import { describe, expect, it } from 'vitest';
import { checkTextNotBinary, parseUserCorpus } from './data/corpusSplit';
import { samplePairs } from './eval/minimalPairs';
import { csvCell } from './eval/report';
import { parseMultiBlimpTsv } from './eval/suites/loaders';
import type { MinimalPair } from './eval/suites/types';
import { planMerge, runMerge } from './merge/merge';
import { tinyConfig } from './testing/fixtures';
import { checkFitsDevice, weightSpecs } from './model/weights';
import { validateConfig } from './model/config';
import { MAX_YAML_DEPTH, parseMergekitYaml, yamlNesting } from './merge/mergekit';
import { referenceKernels } from './kernels';

describe('hostile inputs', () => {
  it('CSV cells that a spreadsheet would run as a formula stay text; numbers stay numbers', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    for (const s of ['+1+2', '-cmd', '@SUM(A1)', '\tx', '\rx']) expect(csvCell(s).replace(/^"/, '').startsWith("'")).toBe(true);
    for (const s of ['-0.25', '+3', '1e-7', '-1.5E+3', '0.5']) expect(csvCell(s)).toBe(s);
    expect(csvCell(-0.25)).toBe('-0.25');
    expect(csvCell('plain name')).toBe('plain name');
  });

  it('samples 10 pairs of 60,000 in one pass, spread over the paradigms in file order', () => {
    const pairs: MinimalPair[] = Array.from({ length: 60_000 }, (_, i) => ({ good: `g${i}`, bad: `b${i}`, paradigm: i < 59_990 ? 'big' : 'small' }));
    // (The old code copied a paradigm's list per pair: 8–11 s here; speed is for benchmarks, this checks the result.)
    const picked = samplePairs(pairs, 10);
    expect(picked.map((p) => p.good)).toEqual(['g0', 'g59990', 'g1', 'g59991', 'g2', 'g59992', 'g3', 'g59993', 'g4', 'g59994']);
  });

  it('reads MultiBLiMP files with CR-only line endings like LF and CRLF', () => {
    const rows = ['sen\twrong_sen\tphenomenon', 'Hann er.\tHann eru.\tSV-#', 'Þeir eru.\tÞeir er.\tSV-#'];
    for (const eol of ['\n', '\r\n', '\r']) {
      const r = parseMultiBlimpTsv('isl.tsv', rows.join(eol));
      expect(r.errors).toEqual([]);
      expect(r.pairs).toHaveLength(2);
    }
  });

  it('refuses a YAML nested thousands of levels deep with a sentence, before the parser recurses', () => {
    const flow = `merge_method: ties\nmodels: ${'['.repeat(5000)}${']'.repeat(5000)}`;
    const block = `merge_method: ties\nparameters:\n${Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i + 1)}a:`).join('\n')} 1`;
    for (const text of [flow, block]) expect(() => parseMergekitYaml(text)).toThrow(new RegExp(`the YAML nests \\d+ levels deep; .* at most ${MAX_YAML_DEPTH}`));
    // An ordinary config nests a few levels; brackets inside quotes or comments do not count.
    expect(yamlNesting('merge_method: ties\nmodels:\n  - model: a\n    parameters: {weight: [1, 0]}\n# [[[[\nname: "[[["\n')).toBeLessThan(8);
  });

  it('refuses a linear merge whose weights do not sum to a clearly positive number', () => {
    const req = (w: number[]) => ({ method: 'linear', models: w.map((weight, i) => ({ id: `m${i}`, weight })) });
    expect(() => planMerge(req([1, -1 + 1e-11]))).toThrow(/linear: the weights sum to 1\.000000082740371e-11; normalize divides by that sum, so it must be clearly positive/);
    expect(() => planMerge(req([-1, -1]))).toThrow(/must be clearly positive/);
    expect(planMerge(req([0.3, 0.7])).models).toHaveLength(2);
    expect(planMerge({ ...req([1, -1]), params: { normalize: false } }).models).toHaveLength(2);
  });

  it('refuses binary corpus files and skips lines without letters or digits', () => {
    const binary = '\ufffd'.repeat(27_000) + 'x'.repeat(37_000);
    expect(() => parseUserCorpus('data.txt', binary)).toThrow(/"data.txt" is not a text file: 27000 of its 64000 characters are not valid UTF-8/);
    expect(() => checkTextNotBinary('a.txt', 'ab\u0000cd')).toThrow(/1 NUL characters/);
    const nel = parseUserCorpus('nel.txt', '\u0085'.repeat(500));
    expect(nel.lines).toEqual([]);
    expect(nel.errors).toEqual([{ line: 1, message: 'has no letters or digits' }]);
    expect(parseUserCorpus('ok.txt', 'Hello there.\nÞetta er gott.\n').lines).toHaveLength(2);
  });

  it('a merge that produces non-finite values fails naming the tensor and the count, and emits nothing after it', async () => {
    const config = tinyConfig();
    const plan = planMerge({ method: 'linear', models: [{ id: 'a' }, { id: 'b' }] });
    const first = weightSpecs(config)[0];
    const reader = (poison: boolean) => async (name: string) => {
      const n = weightSpecs(config).find((s) => s.name === name)!.shape.reduce((a, b) => a * b, 1);
      return Float32Array.from({ length: n }, (_, i) => (poison && name === first.name && i < 3 ? Infinity : 0.5));
    };
    const emitted: string[] = [];
    await expect(runMerge(plan, config, { models: [reader(true), reader(false)] }, referenceKernels, (name) => void emitted.push(name), () => undefined)).rejects.toThrow(new RegExp(`linear produced 3 non-finite value\\(s\\) \\(NaN or ±Inf\\) in ${first.name.replace(/\./g, '\\.')}; nothing was saved`));
    expect(emitted).toEqual([]);
  });
});


describe('configs too large to hold', () => {
  it('are refused from their shapes, with the numbers, before anything is allocated', async () => {
    const { validateConfig } = await import('./model/config');
    const { countParameters } = await import('./model/weights');
    const { MODEL_PRESETS } = await import('./model/config');
    expect(() => validateConfig({ num_hidden_layers: 1e8 })).toThrow(/config implies [\d.]+e\+\d+ parameters \([\d.]+ GiB as float32; num_hidden_layers 100000000, .*the studio holds at most 2\.147e\+9/);
    expect(() => validateConfig({ intermediate_size: 2 ** 31 })).toThrow(/config gives model\.layers\.\*\.mlp\.gate_proj\.weight the shape \[2147483648, 64\], .* one tensor may hold at most 2\.684e\+8/);
    expect(() => validateConfig({ hidden_size: 1e9, num_attention_heads: 1, num_key_value_heads: 1 })).toThrow(/one tensor may hold at most/);
    // The presets (and the paper's 2x shape with a 128k vocabulary) pass.
    for (const p of MODEL_PRESETS) expect(countParameters(validateConfig(p.config)).total).toBeGreaterThan(0);
    expect(() => validateConfig({ hidden_size: 1152, intermediate_size: 3072, num_hidden_layers: 30, num_attention_heads: 18, num_key_value_heads: 6, vocab_size: 128_256 })).not.toThrow();
  });
});

describe('configs too large for this device', () => {
  const llama3 = validateConfig({ vocab_size: 128256, hidden_size: 2048, intermediate_size: 8192, num_hidden_layers: 16, num_attention_heads: 32, num_key_value_heads: 8, max_position_embeddings: 2048 });

  it('a tensor past the GPU binding limit is refused naming it, the size and the limit; the embedding is split instead', () => {
    // The 1 GB embedding is held in row shards under WebGPU's default 128 MiB (model/shards.ts).
    expect(() => checkFitsDevice(llama3, { maxBindingBytes: 128 * 2 ** 20 }, 'config.json')).not.toThrow();
    expect(() => checkFitsDevice(llama3, { maxBindingBytes: 32 * 2 ** 20 }, 'config.json')).toThrow(
      'config.json needs model.layers.*.mlp.gate_proj.weight [8192, 2048] as one 64.0 MiB GPU buffer; this GPU binds at most 32.0 MiB (maxStorageBufferBindingSize). Use a smaller vocab_size or hidden_size, or the CPU backend',
    );
    expect(() => checkFitsDevice(llama3, { maxBindingBytes: 2 ** 31 })).not.toThrow();
  });

  it('weights past the device memory or the storage left are refused with both numbers', () => {
    expect(() => checkFitsDevice(llama3, { memoryBytes: 2 * 2 ** 30 })).toThrow(/the model has 1\.\d+e\+9 parameters, [\d.]+ GiB as float32, more than this device's 2\.00 GiB of memory \(navigator\.deviceMemory\)/);
    expect(() => checkFitsDevice(llama3, { storageFreeBytes: 500 * 2 ** 20 }, 'the grown model (hyperclone)')).toThrow(/the grown model \(hyperclone\) would be stored as a [\d.]+ GiB checkpoint, but the browser estimates only 500\.0 MiB of storage left/);
    expect(() => checkFitsDevice(tinyConfig(), { maxBindingBytes: 1 << 20, memoryBytes: 2 ** 30, storageFreeBytes: 1e7 })).not.toThrow();
  });
});

describe('no argument-limit spreads in report charts', () => {
  it('extent folds 300,000 values where Math.max(...xs) throws', async () => {
    const { extent } = await import('./numeric/extent');
    const xs = Array.from({ length: 300_000 }, (_, i) => Math.sin(i));
    expect(() => Math.max(...xs)).toThrow(RangeError);
    const [lo, hi] = extent(xs);
    expect(lo).toBeCloseTo(-1, 6);
    expect(hi).toBeCloseTo(1, 6);
    expect(extent([])).toEqual([Infinity, -Infinity]);
    const { lineChartSvg } = await import('./experiment/reportSvg');
    const svg = lineChartSvg({ title: 'long run', xLabel: 'step', yLabel: 'loss', series: [{ name: 'eng', points: xs.map((y, x) => ({ x, y })) }] });
    expect(svg.startsWith('<svg')).toBe(true);
  });
});
