// The lifetime of imported tokenizer files in storage: stored only once the import that brings them
// succeeds (just before its manifest, the commit point), freed with the last checkpoint that
// names them, and checked again before the engine runs files that were stored without the probe.
// Several checkpoints (a base and its grown and merged descendants) share one record.
import { type HfTokenizerFiles, isStudioByteTokenizer, type TokenizerProbe } from '../core/tokenizer/hf';
import type { TokenizerSpec } from '../core/tokenizer/tokenizer';
import { validateTokenizerJson } from '../core/tokenizer/validate';
import { parseJsonObject } from '../core/jsonFile';
import type { Services } from './services';

type Stores = Pick<Services, 'tokenizers' | 'checkpoints'>;

/**
 * A record younger than this is never swept at start-up: an import in another tab may have
 * stored it and not yet saved the manifest that names it (an import's save takes seconds).
 */
export const SWEEP_GRACE_MS = 60 * 60 * 1000;

/** Tokenizer ids this tab's imports are between storing the files and saving the manifest, with a count each. */
const storing = new Map<string, number>();

/** True when a valid manifest names tokenizer `id`, or a damaged one might (it cannot be read, so it is kept). */
async function inUse(s: Stores, id: string): Promise<boolean> {
  if (storing.has(id)) return true;
  const { checkpoints, damaged } = await s.checkpoints.list();
  return damaged.length > 0 || checkpoints.some((m) => m.tokenizer.kind === 'hf' && m.tokenizer.id === id);
}

/**
 * Stores the tokenizer's files, then runs `save` (the manifest write that names them). When the
 * save fails the files go again unless another checkpoint uses them; when it succeeds they are
 * checked once more, as another tab may have freed them meanwhile (its last checkpoint deleted).
 */
export async function storeTokenizerWith<T>(s: Stores, spec: TokenizerSpec, files: HfTokenizerFiles | undefined, save: () => Promise<T>): Promise<T> {
  if (spec.kind !== 'hf') return save();
  if (!files) throw new Error(`the files of tokenizer ${spec.description} were not read`);
  const record = { id: spec.id, tokenizer: files.tokenizer, config: files.config, storedAt: new Date().toISOString() };
  storing.set(spec.id, (storing.get(spec.id) ?? 0) + 1);
  let saved = false;
  try {
    if (!(await s.tokenizers.get(spec.id))) await s.tokenizers.put(record);
    const out = await save();
    saved = true;
    if (!(await s.tokenizers.get(spec.id))) await s.tokenizers.put(record);
    return out;
  } finally {
    const n = storing.get(spec.id)! - 1;
    if (n) storing.set(spec.id, n);
    else storing.delete(spec.id);
    if (!saved) await freeTokenizerIfUnused(s, spec).catch(() => undefined);
  }
}

/** Deletes the tokenizer's files when no checkpoint names it any more; true when it did. */
export async function freeTokenizerIfUnused(s: Stores, spec: TokenizerSpec): Promise<boolean> {
  if (spec.kind !== 'hf' || (await inUse(s, spec.id))) return false;
  await s.tokenizers.delete(spec.id);
  return true;
}

/**
 * The start-up sweep: deletes tokenizer records that no manifest names (left by a crash between
 * storing them and saving the manifest, or by versions that stored them before the weights were
 * read), except those stored in the last SWEEP_GRACE_MS. Returns the ids deleted.
 */
export async function sweepTokenizers(s: Stores, now = Date.now()): Promise<string[]> {
  const { checkpoints, damaged } = await s.checkpoints.list();
  if (damaged.length) return [];
  const named = new Set(checkpoints.flatMap((m) => (m.tokenizer.kind === 'hf' ? [m.tokenizer.id] : [])));
  const deleted: string[] = [];
  for (const t of await s.tokenizers.list()) {
    const recent = t.storedAt !== undefined && now - Date.parse(t.storedAt) < SWEEP_GRACE_MS;
    if (named.has(t.id) || storing.has(t.id) || recent) continue;
    await s.tokenizers.delete(t.id);
    deleted.push(t.id);
  }
  return deleted;
}

/**
 * Checks stored tokenizer files before the engine builds them: records written by versions before
 * the probe, or restored from a backup file, were never probed, and a catastrophic regex in them
 * would hang the engine on the first text. Costs one probe per tokenizer and session.
 */
export async function checkStoredTokenizer(spec: TokenizerSpec, files: HfTokenizerFiles, probe: TokenizerProbe): Promise<void> {
  try {
    const json = parseJsonObject(files.tokenizer, 'tokenizer.json');
    if (isStudioByteTokenizer(json)) return;
    validateTokenizerJson(json);
    await probe(files, json);
  } catch (e) {
    throw new Error(`the stored tokenizer ${spec.kind === 'hf' ? `${spec.id.slice(0, 12)}… (${spec.description}) ` : ''}is refused: ${(e as Error).message}`);
  }
}
