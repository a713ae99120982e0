// A checkpoint's export as one bundle, the files under the names transformers' from_pretrained
// reads (model.safetensors, config.json, tokenizer.json, tokenizer_config.json,
// generation_config.json) plus the studio's studio.json and a README.md model card, in a zip
// whose one folder is the slug of the checkpoint's name (`ties-fao-isl.zip` unzips to
// `ties-fao-isl/`, the path given to from_pretrained). The model files are those of
// exportCheckpointFiles, byte for byte.
import { zipSync, type Zippable } from 'fflate';
import { slugify } from '../fileNames';
import type { ExportFile } from './hfExport';

/** The files of a bundle, in this order (tokenizer_config.json may be absent for an imported tokenizer). */
export const BUNDLE_FILES = ['model.safetensors', 'config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'studio.json', 'README.md'] as const;

const text = (s: string) => new TextEncoder().encode(s);

/**
 * generation_config.json as transformers writes it from a model config: the special ids
 * generate() needs to stop and pad, read from config.json so the two always agree.
 */
export function generationConfigJson(config: Record<string, unknown>): Record<string, unknown> {
  return { _from_model_config: true, bos_token_id: config.bos_token_id, eos_token_id: config.eos_token_id, pad_token_id: config.pad_token_id };
}

/** The folder (and archive) name of a checkpoint: `ties ×2 fao + isl` → `ties-x2-fao-isl`. */
export function bundleFolder(checkpointName: string): string {
  return slugify(checkpointName);
}

/** Adds generation_config.json and README.md to the model files, in BUNDLE_FILES order. */
export function bundleFiles(modelFiles: ExportFile[], readme: string): ExportFile[] {
  const config = modelFiles.find((f) => f.name === 'config.json');
  if (!config) throw new Error('the export has no config.json');
  const generation = { name: 'generation_config.json', bytes: text(JSON.stringify(generationConfigJson(JSON.parse(new TextDecoder().decode(config.bytes))), null, 2) + '\n') };
  const all = [...modelFiles, generation, { name: 'README.md', bytes: text(readme) }];
  const order = (n: string) => BUNDLE_FILES.indexOf(n as (typeof BUNDLE_FILES)[number]);
  if (all.some((f) => order(f.name) < 0)) throw new Error(`unexpected export file ${all.find((f) => order(f.name) < 0)!.name}`);
  return all.sort((a, b) => order(a.name) - order(b.name));
}

/**
 * The bundle as a zip, every file under `folder/`. The safetensors is stored, not deflated: float
 * weights barely compress, and a stored entry can be read back as a slice of the archive
 * without inflating hundreds of megabytes. `mtime` (the checkpoint's creation) makes the bytes
 * reproducible.
 */
export function zipBundle(folder: string, files: ExportFile[], mtime: Date): Uint8Array {
  const entries: Zippable = {};
  for (const f of files) entries[`${folder}/${f.name}`] = [f.bytes, { level: f.name.endsWith('.safetensors') ? 0 : 6 }];
  // ZIP dates start in 1980; an out-of-range time would make fflate throw.
  const when = Number.isNaN(mtime.getTime()) || mtime.getFullYear() < 1980 ? new Date('1980-01-01T00:00:00Z') : mtime;
  return zipSync(entries, { mtime: when });
}
