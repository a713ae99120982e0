// Hugging Face interop actions: importFiles (config.json + safetensors, one file or shards, +
// tokenizer.json), importArchive (the same files in one .zip, read as hostile input), and
// exportCheckpoint / exportCheckpointArchive (the files under transformers' names, with
// generation_config.json, studio.json and a README model card, or all of them in one zip). Small files are checked here before anything is stored;
// the tokenizer is probed in a worker of its own under a time limit; the engine then reads the
// tensors slice by slice onto the GPU. The tokenizer files are stored only once the weights are
// in, then the tensors, then the manifest, so a failure at any point leaves nothing behind.
import type { CheckpointManifest } from '../core/checkpoint/manifest';
import { newId } from '../core/checkpoint/manifest';
import { classifyImportFiles, configFromHf, type ImportSource } from '../core/checkpoint/hfImport';
import { keptFilePrecision } from '../core/checkpoint/storageDtype';
import { type ExportDtype, type ExportFile, exportCheckpointFiles } from '../core/checkpoint/hfExport';
import { bundleFiles, bundleFolder, zipBundle } from '../core/checkpoint/exportBundle';
import { modelCard } from '../core/checkpoint/modelCard';
import { openModelArchive } from '../core/checkpoint/modelArchive';
import { importTokenizer, type TokenizerImport } from '../core/tokenizer/hf';
import { probeTokenizer } from '../worker/tokenizerProbe';
import { storeTokenizerWith } from './tokenizerFiles';
import { checkFitsDevice, countParameters } from '../core/model/weights';
import { currentDeviceLimits } from './deviceLimits';
import { parseJsonObject } from '../core/jsonFile';
import type { EngineCache, Services } from './services';
import { useStudio } from './store';

/** A file from a file input or drop (File), or bytes from an automation script. */
export type ImportFileInput = Blob & { name: string } | { name: string; bytes: Uint8Array | ArrayBuffer };

export interface ImportResult {
  id: string;
  name: string;
  /** What the import adapted or left out (a tied head stored anyway, a sliding window, ...). */
  notes: string[];
}

/**
 * name: the checkpoint's name. keepDtype: a file whose tensors are all F16 or all BF16 is stored
 * as it is (half the bytes of F32, nothing rounded) instead of widened to F32; loading widens it.
 */
export type ImportOptions = { name?: string; keepDtype?: boolean };

export interface InteropActions {
  /** Imports a Hugging Face Llama/Mistral checkpoint from local files; resolves to the new checkpoint. */
  importFiles(files: ImportFileInput[], options?: ImportOptions): Promise<ImportResult>;
  /**
   * Imports a model archive (.zip): the files of a model folder at its top level or in one
   * folder, as exportCheckpointArchive writes them. Refused, with nothing stored, when the
   * archive is damaged, hostile (paths, overlaps, sizes that lie, too large inflated) or lacks
   * config.json or the safetensors.
   */
  importArchive(file: ImportFileInput, options?: ImportOptions): Promise<ImportResult>;
  /**
   * The files a transformers model folder holds, under their names: model.safetensors (F32, or
   * F16/BF16), config.json, generation_config.json, tokenizer.json, tokenizer_config.json, plus
   * studio.json (the studio's record) and README.md (the model card).
   */
  exportCheckpoint(id: string, options?: { dtype?: ExportDtype }): Promise<ExportFile[]>;
  /** The same files in one zip, under one folder named after the checkpoint: `{name: 'ties-fao-isl.zip', folder: 'ties-fao-isl', bytes}`. */
  exportCheckpointArchive(id: string, options?: { dtype?: ExportDtype }): Promise<ExportArchive>;
  /** The README.md model card an export of this checkpoint carries. */
  modelCard(id: string, options?: { dtype?: ExportDtype }): Promise<string>;
}

export interface ExportArchive {
  /** The archive's file name: the checkpoint's name as a slug, `.zip`. */
  name: string;
  /** The one folder the files sit in (what from_pretrained is given once unzipped). */
  folder: string;
  bytes: Uint8Array;
}

function toSource(f: unknown, i: number): ImportSource {
  const named = f as { name?: unknown; bytes?: unknown };
  if (typeof f !== 'object' || f === null || typeof named.name !== 'string' || !named.name) {
    throw new Error(`files[${i}] must be a File or {name, bytes}; got ${JSON.stringify(f)?.slice(0, 80)}`);
  }
  if (f instanceof Blob) return { name: named.name, blob: f };
  if (named.bytes instanceof Uint8Array || named.bytes instanceof ArrayBuffer) return { name: named.name, blob: new Blob([named.bytes as ArrayBuffer]) };
  throw new Error(`files[${i}] (${named.name}) has no bytes: give a File or {name, bytes: Uint8Array}`);
}

export function createInteropActions(s: Services, cache: EngineCache, manifest: (id: unknown) => Promise<CheckpointManifest>, ready: Promise<void>): InteropActions {
  async function tokenizerOf(set: ReturnType<typeof classifyImportFiles>, specialIds: { bos?: number; eos?: number; pad?: number }, vocab: number): Promise<TokenizerImport> {
    if (set.tokenizer) {
      return importTokenizer({ tokenizer: await set.tokenizer.blob.text(), config: await set.tokenizerConfig?.blob.text() }, specialIds, vocab, probeTokenizer);
    }
    const studio = set.studio ? (parseJsonObject(await set.studio.blob.text(), 'studio.json') as { tokenizer?: { kind?: string } }) : undefined;
    if (studio?.tokenizer?.kind === 'byte' && vocab === 259) return { spec: { kind: 'byte' }, notes: ['no tokenizer.json: studio.json says the byte tokenizer'] };
    throw new Error('tokenizer.json is missing: choose it together with config.json and the safetensors files (the model can only read text through its own tokenizer)');
  }

  function checkName(options: ImportOptions): void {
    if (typeof options !== 'object' || options === null) throw new Error(`options must be an object {name?, keepDtype?}, got ${JSON.stringify(options)}`);
    if (options.name !== undefined && (typeof options.name !== 'string' || !options.name.trim())) throw new Error('name must be a non-empty string');
    if (options.keepDtype !== undefined && typeof options.keepDtype !== 'boolean') throw new Error(`keepDtype must be true or false, got ${JSON.stringify(options.keepDtype)}`);
  }

  async function importFiles(files: ImportFileInput[], options: ImportOptions = {}): Promise<ImportResult> {
    await ready;
    if (!Array.isArray(files) || !files.length) throw new Error('importFiles needs a non-empty list of files: config.json, model.safetensors (or shards + model.safetensors.index.json), tokenizer.json');
    checkName(options);
    const sources = files.map(toSource);
    const folder = sources.map((f) => f.name.split(/[\\/]/).slice(-2, -1)[0]).find(Boolean);
    return importSources(sources, options, folder);
  }

  async function importArchive(file: ImportFileInput, options: ImportOptions = {}): Promise<ImportResult> {
    await ready;
    checkName(options);
    const source = toSource(file, 0);
    const archive = await openModelArchive(source.blob, source.name);
    return importSources(archive.files, options, archive.folder ?? source.name.replace(/\.zip$/i, ''));
  }

  /** The import proper: checks, tokenizer probe, weights onto the GPU, then storage (manifest last). */
  async function importSources(files: ImportSource[], options: ImportOptions, folder: string | undefined): Promise<ImportResult> {
    const set = classifyImportFiles(files);
    if (!set.config) throw new Error(`config.json is missing among ${set.safetensors.length + set.ignored.length} files; choose the model's config.json, its .safetensors files and tokenizer.json`);
    const { config, architecture, specialIds, notes } = configFromHf(await set.config.blob.text());
    checkFitsDevice(config, await currentDeviceLimits(), set.config.name);
    const tokenizer = await tokenizerOf(set, specialIds, config.vocab_size);
    notes.push(...tokenizer.notes);
    const studioJson = set.studio ? (parseJsonObject(await set.studio.blob.text(), 'studio.json') as { id?: string; name?: string; origin?: { method?: string } }) : undefined;
    const name = options.name?.trim() || studioJson?.name || folder || `${architecture} ${(countParameters(config).total / 1e6).toFixed(1)}M`;

    if (tokenizer.spec.kind === 'hf') await cache.ensureTokenizer(tokenizer.spec, tokenizer.files);
    const id = newId('ckpt');
    const jobId = newId('import');
    const label = `Importing ${name}`;
    const startedAt = Date.now();
    const off = s.engine.onJobProgress(jobId, (done, total) => useStudio.setState({ importProgress: { done, total, label, unit: 'bytes', startedAt } }));
    useStudio.setState({ importProgress: { done: 0, total: 0, label, unit: 'bytes', startedAt } });
    try {
      const sources = set.safetensors;
      const out = await s.engine.call('importWeights', { jobId, modelId: id, config, tokenizer: tokenizer.spec, sources, indexText: await set.index?.blob.text(), keepDtype: options.keepDtype === true });
      notes.push(...out.skipped.map((x) => `skipped ${x}`));
      try {
        const saved = await storeTokenizerWith(s, tokenizer.spec, tokenizer.files, () => s.checkpoints.save(
          {
            formatVersion: 1, id, name, createdAt: new Date().toISOString(), config, tokenizer: tokenizer.spec, parents: [],
            origin: {
              method: 'import',
              params: { architecture, files: [set.config, set.index, set.tokenizer, set.tokenizerConfig, ...sources].filter(Boolean).map((f) => f!.name), dtypes: out.dtypes, sourceBytes: out.sourceBytes, notes, ...(studioJson ? { exportedFrom: { id: studioJson.id, name: studioJson.name, method: studioJson.origin?.method } } : {}) },
            },
            parameterCount: countParameters(config).total,
            ...(out.stored !== 'F32' ? { storage: keptFilePrecision(out.stored) } : {}),
          },
          out.blob,
        ));
        cache.adopt(id);
        useStudio.setState((st) => ({ checkpoints: [saved, ...st.checkpoints] }));
      } catch (e) {
        await s.engine.call('unloadModel', { modelId: id }).catch(() => undefined);
        throw e;
      }
      return { id, name, notes };
    } finally {
      off();
      useStudio.setState({ importProgress: undefined });
    }
  }

  /** The model card of `m` from the studio's checkpoints, corpora and stored evaluations. */
  async function cardOf(m: CheckpointManifest, dtype: ExportDtype): Promise<string> {
    const { checkpoints } = await s.checkpoints.list();
    return modelCard({ manifest: m, checkpoints, corpora: useStudio.getState().corpora, evaluations: await s.evaluations.list(), dtype, folder: bundleFolder(m.name) });
  }

  async function exportCheckpoint(id: string, options: { dtype?: ExportDtype } = {}): Promise<ExportFile[]> {
    const m = await manifest(id);
    const dtype = options?.dtype ?? 'F32';
    const files = m.tokenizer.kind === 'hf' ? await s.tokenizers.get(m.tokenizer.id) : undefined;
    if (m.tokenizer.kind === 'hf' && !files) throw new Error(`the tokenizer files of ${m.name} are missing from storage`);
    return bundleFiles(exportCheckpointFiles(m, await s.checkpoints.tensors(id), dtype, files), await cardOf(m, dtype));
  }

  return {
    importFiles,
    importArchive,
    exportCheckpoint,
    async exportCheckpointArchive(id, options = {}) {
      const m = await manifest(id);
      const folder = bundleFolder(m.name);
      return { name: `${folder}.zip`, folder, bytes: zipBundle(folder, await exportCheckpoint(id, options), new Date(m.createdAt)) };
    },
    async modelCard(id, options = {}) {
      return cardOf(await manifest(id), options?.dtype ?? 'F32');
    },
  };
}
