// A model archive (.zip) opened for import: the files a Hugging Face model folder holds, at the
// top level of the archive or in one folder (as the studio's export writes them). Only the files
// the import reads are inflated; README.md, generation_config.json and the like are listed and
// left alone, as are macOS's __MACOSX/ and dot files. What is missing is named, with what the
// archive does hold.
import type { ImportSource } from './hfImport';
import { DEFAULT_ZIP_LIMITS, extractZipEntries, readZipDirectory, type ZipLimits } from './zipArchive';

/** Files of a model folder the import reads (the safetensors shards besides). */
const READ = new Set(['config.json', 'model.safetensors.index.json', 'tokenizer.json', 'tokenizer_config.json', 'studio.json']);

const isClutter = (path: string) => path.startsWith('__MACOSX/') || path.split('/').some((p) => p.startsWith('.'));

export interface ModelArchive {
  /** The files the import reads, named as in a model folder (no folder prefix). */
  files: ImportSource[];
  /** The archive's one folder, when its files sit in one. */
  folder?: string;
  /** Files present and not read (README.md, generation_config.json, ...). */
  ignored: string[];
}

export async function openModelArchive(blob: Blob, archive: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ModelArchive> {
  const entries = (await readZipDirectory(blob, archive, limits)).filter((e) => !e.name.endsWith('/') && !isClutter(e.name));
  if (!entries.length) throw new Error(`${archive}: the archive holds no files`);
  const folders = [...new Set(entries.map((e) => e.name.split('/').slice(0, -1).join('/')))];
  if (folders.length > 1 || folders[0].includes('/')) {
    throw new Error(`${archive}: files in ${folders.length > 1 ? `several folders (${folders.slice(0, 4).map((f) => (f ? `${f}/` : 'the top level')).join(', ')})` : `the nested folder ${folders[0]}/`}; a model archive holds one model, at its top level or in one folder`);
  }
  const folder = folders[0] || undefined;
  const base = (name: string) => name.split('/').pop()!;
  const wanted = entries.filter((e) => READ.has(base(e.name)) || base(e.name).endsWith('.safetensors'));
  const present = entries.map((e) => base(e.name));
  const missing = [!present.includes('config.json') && 'config.json', !present.some((n) => n.endsWith('.safetensors')) && 'model.safetensors'].filter(Boolean);
  if (missing.length) throw new Error(`${archive}: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing; the archive holds ${present.slice(0, 12).join(', ')}${present.length > 12 ? `, and ${present.length - 12} more` : ''}`);
  const files = await extractZipEntries(blob, archive, wanted, limits);
  return { files: files.map((f) => ({ name: base(f.name), blob: f.blob })), folder, ignored: present.filter((n) => !wanted.some((w) => base(w.name) === n)) };
}
