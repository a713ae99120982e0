// Deciding what a restore writes, before it writes anything: each item of the backup is new to the
// studio, the same item the studio already holds (equal bytes: skipped silently), or a clash (same
// id, other content) resolved by the caller's choice: rename (a new id, and every reference inside
// the backup rewritten to it), skip (the studio's item stands) or replace (the backup's wins). Blob
// keys never overwrite a blob the studio holds: a taken key gets a suffix, so a replaced
// checkpoint's old tensors stay readable until its new manifest is written, and are deleted after.
import type { CheckpointManifest } from '../checkpoint/manifest';
import { BackupError, type BackupStore } from './format';
import { blobKeysOf, emptyRenames, type ItemKind, itemName, KIND_STORE, type Renames, rewriteRecord, STORE_KIND, tokenizerOf } from './records';

export type ClashChoice = 'rename' | 'skip' | 'replace';
export const CLASH_CHOICES: ClashChoice[] = ['rename', 'skip', 'replace'];

/** One item of the backup: its record, the hash of the record's payload and its blobs. */
export interface BackupItem {
  kind: ItemKind;
  id: string;
  record: unknown;
  recordSha: string;
  blobs: { key: string; sha256: string; bytes: number }[];
}

/** What the studio holds under the same id: the record's hash, its blob keys and (when the records agree) their hashes. */
export interface StudioItem {
  recordSha: string;
  blobKeys: string[];
  /** Hashes of the blobs in blobKeys order; needed only when recordSha equals the backup's. */
  blobShas?: string[];
}

export interface StudioView {
  /** Keyed `${kind}:${id}`, for the ids the backup and the studio share (and every tokenizer the studio has). */
  items: Map<string, StudioItem>;
  /** Every id the studio holds per kind, to pick unused ids. */
  ids: Record<ItemKind, Set<string>>;
  /** Every key of the studio's blob store. */
  blobKeys: Set<string>;
}

export interface ItemRef {
  kind: ItemKind;
  id: string;
  name: string;
}

/** One write: a JSON record, or a blob copied from the backup entry `from` (its original key). */
export type PlannedWrite = { store: Exclude<BackupStore, 'tensors'>; key: string; record: unknown } | { store: 'tensors'; key: string; from: string };

export interface RestorePlan {
  /** Blobs first, then records in BACKUP_STORES order: a crash never leaves a record without its blob. */
  writes: PlannedWrite[];
  /** Blob keys of replaced studio items that no written record names; deleted after the writes. */
  obsoleteBlobs: string[];
  restored: ItemRef[];
  renamed: (ItemRef & { from: string })[];
  replaced: ItemRef[];
  /** identical: the studio holds the same bytes; clash: other content, kept because onClash is skip. */
  skipped: (ItemRef & { why: 'identical' | 'clash' })[];
  /** Every item whose id the studio holds with other content, whatever was chosen. */
  clashes: ItemRef[];
}

const same = (a: string[] = [], b: string[] = []) => a.length === b.length && a.every((x, i) => x === b[i]);

/** An id not taken: "<id>-restored", then "<id>-restored-2", ... */
function freshId(id: string, taken: Set<string>): string {
  for (let n = 1; ; n++) {
    const c = n === 1 ? `${id}-restored` : `${id}-restored-${n}`;
    if (!taken.has(c)) return c;
  }
}

/** A blob key not taken: the key itself, then "<key>~2", "<key>~3", ... */
function freeKey(key: string, taken: Set<string>): string {
  if (!taken.has(key)) return key;
  for (let n = 2; ; n++) if (!taken.has(`${key}~${n}`)) return `${key}~${n}`;
}

export function planRestore(items: BackupItem[], studio: StudioView, onClash: ClashChoice): RestorePlan {
  if (!CLASH_CHOICES.includes(onClash)) throw new Error(`onClash must be one of ${CLASH_CHOICES.join(', ')}, got ${JSON.stringify(onClash)}`);
  const plan: RestorePlan = { writes: [], obsoleteBlobs: [], restored: [], renamed: [], replaced: [], skipped: [], clashes: [] };
  const renames: Renames = emptyRenames();
  const takenIds: Record<ItemKind, Set<string>> = Object.fromEntries(Object.entries(studio.ids).map(([k, v]) => [k, new Set(v)])) as Record<ItemKind, Set<string>>;
  for (const it of items) takenIds[it.kind].add(it.id);
  const takenBlobs = new Set(studio.blobKeys);
  const written: BackupItem[] = [];

  for (const it of items) {
    const ref: ItemRef = { kind: it.kind, id: it.id, name: itemName(it.kind, it.record) };
    const held = studio.items.get(`${it.kind}:${it.id}`);
    // Tokenizer ids are the hash of their files (validateRecord checks it): one id, one content.
    const identical = held && (it.kind === 'tokenizer' || (held.recordSha === it.recordSha && same(held.blobShas, it.blobs.map((b) => b.sha256))));
    if (identical) {
      plan.skipped.push({ ...ref, why: 'identical' });
      continue;
    }
    if (held) {
      plan.clashes.push(ref);
      if (onClash === 'skip') {
        plan.skipped.push({ ...ref, why: 'clash' });
        continue;
      }
      if (onClash === 'rename') {
        const to = freshId(it.id, takenIds[it.kind]);
        takenIds[it.kind].add(to);
        (renames[it.kind as Exclude<ItemKind, 'tokenizer'>]).set(it.id, to);
        plan.renamed.push({ ...ref, id: to, from: it.id });
      } else {
        plan.replaced.push(ref);
        plan.obsoleteBlobs.push(...held.blobKeys);
      }
    } else plan.restored.push(ref);
    written.push(it);
  }

  // Blob keys: an item's keys follow its new id, and a key the studio (or an earlier blob) holds gets a suffix.
  for (const it of written) {
    const to = it.kind === 'tokenizer' ? undefined : renames[it.kind].get(it.id);
    for (const b of it.blobs) {
      const key = freeKey(to ? b.key.split(it.id).join(to) : b.key, takenBlobs);
      takenBlobs.add(key);
      if (key !== b.key) renames.blob.set(b.key, key);
      plan.writes.push({ store: 'tensors', key, from: b.key });
    }
  }

  const needed = new Set(items.filter((i) => i.kind === 'tokenizer').map((i) => i.id));
  const configs = new Map<string, CheckpointManifest['config']>();
  for (const i of items.filter((x) => x.kind === 'checkpoint')) for (const id of [i.id, renames.checkpoint.get(i.id) ?? i.id]) configs.set(id, (i.record as CheckpointManifest).config);
  const records = written.map((it) => {
    const tok = it.kind === 'checkpoint' ? tokenizerOf(it.record) : undefined;
    if (tok && !needed.has(tok) && !studio.ids.tokenizer.has(tok)) {
      throw new BackupError(`checkpoint ${it.id} (${itemName(it.kind, it.record)}) needs tokenizer ${tok.slice(0, 12)}…, which is neither in the backup nor in this studio`);
    }
    const record = rewriteRecord(it.kind, it.record, renames, (id) => configs.get(id));
    if (it.kind === 'checkpoint' || it.kind === 'corpus' || it.kind === 'experiment') {
      if (renames[it.kind].has(it.id)) (record as { name: string }).name += ' (restored)';
    }
    return { store: KIND_STORE[it.kind], key: (record as { id: string }).id, record };
  });
  const order = ['tokenizers', 'corpora', 'suites', 'manifests', 'runs', 'evaluations', 'experiments'];
  records.sort((a, b) => order.indexOf(a.store) - order.indexOf(b.store));
  plan.writes.push(...records);

  const stillNamed = new Set(records.flatMap((w) => blobKeysOf(STORE_KIND[w.store], w.record)));
  plan.obsoleteBlobs = plan.obsoleteBlobs.filter((k) => !stillNamed.has(k));
  return plan;
}
