import { describe, expect, it } from 'vitest';
import { unzipSync, zipSync } from 'fflate';
import { exportCheckpointFiles } from './hfExport';
import { BUNDLE_FILES, bundleFiles, bundleFolder, zipBundle } from './exportBundle';
import { modelCard } from './modelCard';
import { openModelArchive } from './modelArchive';
import { crc32, readZipDirectory } from './zipArchive';
import { encodeSafetensors } from './safetensors';
import { classifyImportFiles, configFromHf } from './hfImport';
import { initialWeights } from '../model/init';
import { tinyConfig } from '../testing/fixtures';
import { countParameters } from '../model/weights';
import type { CheckpointManifest } from './manifest';
import type { CorpusInfo } from '../data/corpusSplit';
import type { EvaluationResult } from '../eval/report';
import type { TrainSettings } from '../train/settings';

const config = tinyConfig({ vocab_size: 259 });
const weights = encodeSafetensors([...initialWeights(config, 3)].map(([name, w]) => ({ name, shape: w.shape, data: w.data })), { format: 'pt' });
const corpora: CorpusInfo[] = [
  { id: 'eng-brown', language: 'eng', name: 'Brown corpus', source: 'brown', trainBytes: 1, validBytes: 1, featured: true },
  { id: 'isl-udhr', language: 'isl', name: 'UDHR Icelandic', source: 'udhr', trainBytes: 1, validBytes: 1, featured: true },
];
const manifest = (over: Partial<CheckpointManifest>): CheckpointManifest => ({
  formatVersion: 1, id: 'x', name: 'x', createdAt: '2026-03-04T05:06:07.000Z', config, tokenizer: { kind: 'byte' }, parents: [], origin: { method: 'init', params: { seed: 3 } }, tensorsKey: 'k', bytes: 0, parameterCount: countParameters(config).total, ...over,
});
const settings = (data: TrainSettings['data'], adapt?: TrainSettings['adapt']) => ({ data, steps: 40, batchSize: 4, seqLen: 32, lr: 0.003, warmupSteps: 2, schedule: 'wsd', adapt } as unknown as TrainSettings);
const base = manifest({ id: 'base', name: 'base' });
const english = manifest({ id: 'eng', name: 'english', parents: ['base'], origin: { method: 'train', params: {} }, training: { runId: 'r1', settings: settings([{ corpus: 'eng-brown', weight: 1 }]), steps: 40, tokens: 5120, status: 'completed', metrics: [{ step: 40, tokens: 5120, loss: 2.5, lr: 0, gradNorm: 1, elapsed: 1, numTensors: 1, flops: 1, valid: { 'eng-brown': 2.61 } }] } });
const icelandic = manifest({ id: 'isl', name: 'icelandic', parents: ['eng'], origin: { method: 'train', params: {} }, training: { runId: 'r2', settings: settings([{ corpus: 'isl-udhr', weight: 0.8 }, { corpus: 'eng-brown', weight: 0.2 }], { target: 'isl-udhr', replay: 0.2, replayCorpus: 'eng-brown', budget: { kind: 'steps', value: 40 }, flopsPerStep: 1 }), steps: 40, tokens: 5120, status: 'completed', metrics: [] } });
const merged = manifest({ id: 'ties', name: 'ties ×2 fao + isl (r20)', parents: ['eng', 'isl', 'gone'], origin: { method: 'merge:ties', params: {} }, merge: { method: 'ties', base: 'eng', models: [{ id: 'isl', params: { weight: 0.5, density: 0.4 } }, { id: 'gone', params: { weight: 0.5 } }], global: { lambda: 1 }, diagnostics: [] } });
const all = [base, english, icelandic, merged];
const evaluation: EvaluationResult = {
  id: 'eval-1', createdAt: '2026-03-05T00:00:00.000Z', checkpoints: [{ id: 'ties', name: merged.name }, { id: 'eng', name: 'english' }],
  suites: [{ id: 'blimp-lite', name: 'BLiMP lite', language: 'eng', source: 'builtin', proxy: false, description: '', pairCount: 24, paradigms: ['agr'] } as unknown as EvaluationResult['suites'][number]],
  rows: [{ checkpoint: 'ties', suite: 'blimp-lite', language: 'eng', rule: 'lm-eval blimp', headline: 'macro', accuracy: 0.667, pairAccuracy: 0.667, pairs: 24, macro: { value: 0.667, total: 24, lo: 0.481, hi: 0.814, method: 'wilson' }, overall: { value: 0.667, total: 24, lo: 0.481, hi: 0.814, method: 'wilson' }, paradigms: [] }],
  validation: [{ checkpoint: 'ties', language: 'isl', corpus: 'isl-udhr', loss: 2.3456, perplexity: 10.44 }],
};

function bundleOf(m: CheckpointManifest) {
  const folder = bundleFolder(m.name);
  const card = modelCard({ manifest: m, checkpoints: all, corpora, evaluations: [evaluation], dtype: 'F32', folder });
  return { folder, card, files: bundleFiles(exportCheckpointFiles(m, weights, 'F32'), card) };
}

describe('export bundle', () => {
  it('holds the files transformers reads, under their names, with the model files of the plain export byte for byte', () => {
    const { folder, files } = bundleOf(merged);
    expect(folder).toBe('ties-x2-fao-isl-r20');
    expect(files.map((f) => f.name)).toEqual([...BUNDLE_FILES]);
    const plain = exportCheckpointFiles(merged, weights, 'F32');
    for (const f of plain) expect(files.find((x) => x.name === f.name)!.bytes).toEqual(f.bytes);
    for (const f of files.filter((x) => x.name.endsWith('.json'))) expect(() => JSON.parse(new TextDecoder().decode(f.bytes))).not.toThrow();
    const json = (n: string) => JSON.parse(new TextDecoder().decode(files.find((f) => f.name === n)!.bytes));
    expect(json('generation_config.json')).toEqual({ _from_model_config: true, bos_token_id: 256, eos_token_id: 257, pad_token_id: 258 });
    expect(json('config.json')).toMatchObject({ architectures: ['LlamaForCausalLM'], bos_token_id: 256 });
  });

  it('writes a model card with front matter, lineage, training data, results and loading code', () => {
    const { card } = bundleOf(merged);
    const front = card.split('\n---\n')[0];
    expect(front).toMatch(/^---\nlibrary_name: transformers\npipeline_tag: text-generation\nlanguage:\n- eng\n- isl\ntags:\n/);
    expect(front).toContain('- merge\n- ties');
    expect(front).toContain('- continued-pretraining');
    expect(card).toContain('# ties ×2 fao + isl (r20)');
    // Lineage: the merge with its method and models, each parent's origin, the deleted parent.
    expect(card).toMatch(/merged by ties on base english \(`eng`\) of icelandic \(`isl`\) \{weight: 0\.5, density: 0\.4\}/);
    expect(card).toMatch(/- english \(`eng`, 2026-03-04\): trained from base \(`base`\) for 40 steps \(5,120 tokens, completed\) on Brown corpus/);
    expect(card).toMatch(/- base \(`base`, 2026-03-04\): initialised at random \(seed 3\)/);
    expect(card).toMatch(/`gone`: deleted from the studio/);
    // Training data: both runs, the replay of the Icelandic one.
    expect(card).toMatch(/\| icelandic \| UDHR Icelandic \(`isl-udhr`, isl\) × 0\.8, Brown corpus \(`eng-brown`, eng\) × 0\.2 \| 40 \| 5,120 \| 4 × 32 \| 0\.003 \| wsd, warmup 2 \| 20 % of eng-brown \|/);
    // Results stored for this checkpoint, with the interval; validation loss in nats per byte.
    expect(card).toContain('| BLiMP lite | eng | lm-eval blimp | 66.7 % [48.1, 81.4] of 24 pairs (wilson) | 24 |');
    expect(card).toContain('| isl | isl-udhr | 2.3456 | 10.44 |');
    expect(card).toContain('loss (nats per byte)');
    expect(card).toContain('AutoModelForCausalLM.from_pretrained("./ties-x2-fao-isl-r20")');
  });

  it('says when no evaluation scored the checkpoint, and reports the end-of-training validation loss', () => {
    const { card } = bundleOf(english);
    expect(card).toContain('Validation loss at the end of training (step 40), nats per byte: eng-brown 2.6100.');
    expect(card).not.toContain('No stored evaluation');
    const initCard = bundleOf(base).card;
    expect(initCard).toContain('No stored evaluation has scored this checkpoint');
    expect(initCard).toContain('No training in this lineage');
    expect(initCard).not.toContain('language:');
  });

  it('zips into one folder and reads back: the files, the stored safetensors as a slice, the config importable', async () => {
    const { folder, files } = bundleOf(merged);
    const zip = zipBundle(folder, files, new Date(merged.createdAt));
    expect(Object.keys(unzipSync(zip))).toEqual(files.map((f) => `${folder}/${f.name}`));
    const entries = await readZipDirectory(new Blob([zip as Uint8Array<ArrayBuffer>]), 'a.zip');
    expect(entries.find((e) => e.name.endsWith('model.safetensors'))!.method).toBe(0);
    expect(entries.find((e) => e.name.endsWith('README.md'))!.method).toBe(8);
    const opened = await openModelArchive(new Blob([zip as Uint8Array<ArrayBuffer>]), 'a.zip');
    expect(opened.folder).toBe(folder);
    expect(opened.files.map((f) => f.name).sort()).toEqual(['config.json', 'model.safetensors', 'studio.json', 'tokenizer.json', 'tokenizer_config.json']);
    expect(opened.ignored.sort()).toEqual(['README.md', 'generation_config.json']);
    for (const f of opened.files) expect(new Uint8Array(await f.blob.arrayBuffer())).toEqual(files.find((x) => x.name === f.name)!.bytes);
    const set = classifyImportFiles(opened.files);
    expect(configFromHf(await set.config!.blob.text()).config).toMatchObject({ hidden_size: config.hidden_size, vocab_size: 259 });
    // Reproducible: the same checkpoint zips to the same bytes.
    expect(zipBundle(folder, files, new Date(merged.createdAt))).toEqual(zip);
  });

  it('reads an archive whose files sit at its top level, and skips macOS clutter', async () => {
    const { files } = bundleOf(english);
    const zip = zipSync({ ...Object.fromEntries(files.map((f) => [f.name, f.bytes])), '__MACOSX/._config.json': new Uint8Array(4), '.DS_Store': new Uint8Array(4) });
    const opened = await openModelArchive(new Blob([zip]), 'top.zip');
    expect(opened.folder).toBeUndefined();
    expect(opened.files.map((f) => f.name)).toContain('model.safetensors');
  });
});

describe('hostile archives are refused before anything is inflated', () => {
  const blob = (b: Uint8Array) => new Blob([b as Uint8Array<ArrayBuffer>]);
  const small = () => zipSync({ 'm/config.json': new TextEncoder().encode('{"a":1}'), 'm/model.safetensors': [new Uint8Array(64), { level: 0 }] });

  it('names missing files and what the archive holds', async () => {
    const zip = zipSync({ 'm/README.md': new Uint8Array(3), 'm/tokenizer.json': new Uint8Array(3) });
    await expect(openModelArchive(blob(zip), 'x.zip')).rejects.toThrow('x.zip: config.json and model.safetensors are missing; the archive holds README.md, tokenizer.json');
    await expect(openModelArchive(blob(new TextEncoder().encode('not a zip at all, just text that is long enough')), 'x.zip')).rejects.toThrow(/no zip end-of-directory record/);
    await expect(openModelArchive(blob(small().slice(0, 40)), 'x.zip')).rejects.toThrow(/no zip end-of-directory record/);
  });

  it('refuses paths that escape, several folders, and duplicate names', async () => {
    await expect(openModelArchive(blob(zipSync({ '../config.json': new Uint8Array(2) })), 'x.zip')).rejects.toThrow(/entry name "..\/config.json" is not a plain relative path/);
    await expect(openModelArchive(blob(zipSync({ 'a/config.json': new Uint8Array(2), 'b/model.safetensors': new Uint8Array(2) })), 'x.zip')).rejects.toThrow(/files in several folders \(a\/, b\/\)/);
    await expect(openModelArchive(blob(zipSync({ 'a/b/config.json': new Uint8Array(2) })), 'x.zip')).rejects.toThrow(/the nested folder a\/b\//);
    // A second entry renamed to the first one's name (same length, so the directory stays intact).
    const z = zipSync({ 'config.json': new Uint8Array(2), 'configXjson': new Uint8Array(2) });
    const text = new TextDecoder('latin1').decode(z).replaceAll('configXjson', 'config.json');
    await expect(readZipDirectory(blob(Uint8Array.from(text, (c) => c.charCodeAt(0))), 'x.zip')).rejects.toThrow('x.zip: two entries named config.json');
  });

  it('bounds inflation by the declared sizes, and catches a size that lies', async () => {
    const bomb = zipSync({ 'config.json': new Uint8Array(4 << 20), 'model.safetensors': new Uint8Array(8) });
    expect(bomb.length).toBeLessThan(10_000);
    const limits = { maxEntries: 16, maxInflatedEntry: 1 << 20, maxInflatedTotal: 1 << 20 };
    await expect(openModelArchive(blob(bomb), 'bomb.zip', limits)).rejects.toThrow('bomb.zip: config.json would inflate to 4.0 MiB, more than the 1.0 MiB allowed for one compressed file');
    await expect(openModelArchive(blob(bomb), 'bomb.zip', { ...limits, maxInflatedEntry: 8 << 20 })).rejects.toThrow(/would inflate to 4.0 MiB in all, more than the 1.0 MiB allowed/);
    // Declare 100 bytes for a stream that inflates to 4 MiB: the out buffer stops it, and it is refused.
    const lying = bomb.slice();
    const view = new DataView(lying.buffer);
    const cd = lying.length - 22 - view.getUint32(lying.length - 22 + 12, true);
    expect(view.getUint32(cd, true)).toBe(0x02014b50);
    view.setUint32(cd + 24, 100, true);
    await expect(openModelArchive(blob(lying), 'lie.zip')).rejects.toThrow('lie.zip: config.json inflates to more than the 100 bytes its directory declares; the archive is refused');
  });

  it('refuses overlapping entries, encryption, unknown methods and a damaged CRC', async () => {
    const z = small();
    const view = (b: Uint8Array) => new DataView(b.buffer);
    const cdAt = (b: Uint8Array) => b.length - 22 - view(b).getUint32(b.length - 22 + 12, true);
    const second = (b: Uint8Array) => cdAt(b) + 46 + view(b).getUint16(cdAt(b) + 28, true);
    const overlap = z.slice();
    view(overlap).setUint32(second(overlap) + 42, 0, true); // both entries claim offset 0
    await expect(openModelArchive(blob(overlap), 'o.zip')).rejects.toThrow(/overlap; the archive is refused/);
    const encrypted = z.slice();
    view(encrypted).setUint16(cdAt(encrypted) + 8, 1, true);
    await expect(openModelArchive(blob(encrypted), 'e.zip')).rejects.toThrow('e.zip: m/config.json is encrypted');
    const bzip = z.slice();
    view(bzip).setUint16(cdAt(bzip) + 10, 12, true);
    await expect(openModelArchive(blob(bzip), 'b.zip')).rejects.toThrow('b.zip: m/config.json uses compression method 12; only stored (0) and deflate (8) are read');
    const crc = z.slice();
    view(crc).setUint32(second(crc) + 16, 1, true);
    await expect(openModelArchive(blob(crc), 'c.zip')).rejects.toThrow('c.zip: m/model.safetensors fails its CRC-32 check');
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});
