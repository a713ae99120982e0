// Workspace backup and restore behind window.studio (the file format is core/backup/format.ts):
// back up every checkpoint, tokenizer, user corpus, imported suite, run, evaluation and experiment
// (or a chosen subset) as one file, and restore one into an empty or a populated studio. A damaged
// file is refused before anything is written; a restore that fails midway is undone; after a
// restore this tab's lists refresh and the other tabs are told. Persistence (persistence.ts) comes along.
import { storageEstimate } from '../storage/kv';
import { BackupError } from '../core/backup/format';
import type { ItemRef } from '../core/backup/plan';
import { CLASH_CHOICES, type ClashChoice } from '../core/backup/plan';
import { type ItemKind, itemName } from '../core/backup/records';
import { type BackupSelection, inspectBackup, openWorkspaceStores, prepareBackup, type RestoreReport, restoreBackup, type WorkspaceStores } from '../storage/backup';
import type { TabMessage } from '../storage/tabs';
import { createPersistence, type PersistenceActions } from './persistence';
import type { Services } from './services';

export type { BackupSelection } from '../storage/backup';

/** Where writeBackup streams to: a FileSystemWritableFileStream, or anything with the same three calls. */
export interface BackupSink {
  write(data: Blob | Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort?(reason?: unknown): Promise<void>;
}

export interface BackupSummary {
  bytes: number;
  items: { kind: ItemKind; id: string; name: string }[];
  /** Records left out because they are damaged (a sentence each). */
  left: string[];
}

export interface BackupActions extends PersistenceActions {
  /** The backup as one Blob; the stored tensor Blobs are referenced, not copied into memory. Without options: everything. */
  backupWorkspace(options?: BackupSelection): Promise<Blob>;
  /** Streams the backup part by part into `sink` (the File System Access API's writable) and closes it; aborts it on failure. */
  writeBackup(sink: BackupSink, options?: BackupSelection): Promise<BackupSummary>;
  /** Checks a backup file and says what restoring it would do, writing nothing; clashes lists the items that need a choice. */
  inspectBackup(file: Blob): Promise<{ createdAt: string; bytes: number; items: ItemRef[]; clashes: ItemRef[]; identical: ItemRef[] }>;
  /** Restores a backup; items the studio holds with the same bytes are skipped, clashes follow onClash (default 'rename'). */
  restoreWorkspace(file: Blob, options?: { onClash?: ClashChoice; onProgress?: (done: number, total: number) => void }): Promise<RestoreReport>;
}

const STORE_MESSAGE: Partial<Record<ItemKind, Extract<TabMessage, { type: 'changed' }>['what']>> = { checkpoint: 'checkpoints', corpus: 'corpora', suite: 'suites', evaluation: 'evaluations' };

function checkFile(file: unknown): Blob {
  if (!(file instanceof Blob)) throw new Error(`the backup must be a File or Blob (from a file input or studio.backupWorkspace()), got ${file === null ? 'null' : typeof file}`);
  return file;
}

/** A refused file's message names the file when it has a name: `backup "x.gumsbackup" refused: ...`. */
async function naming<T>(file: Blob, job: () => Promise<T>): Promise<T> {
  try {
    return await job();
  } catch (e) {
    if (e instanceof BackupError && file instanceof File && file.name) throw new BackupError(`backup "${file.name}" refused: ${e.message}`);
    throw e;
  }
}

/**
 * `refresh` reloads this tab's lists (checkpoints, corpora, suites, evaluations, runs, experiments)
 * after a restore; `ready` is the studio's start-up, after which the first save asks for persistence.
 */
export function createBackupActions(s: Services, deps: { ready: Promise<void>; refresh: () => Promise<void>; stores?: WorkspaceStores }): BackupActions {
  const stores = deps.stores ?? openWorkspaceStores();
  const restoring = { busy: false };

  async function summary(options?: BackupSelection) {
    await deps.ready;
    return prepareBackup(stores, options);
  }

  return {
    ...createPersistence(deps.ready),
    async backupWorkspace(options) {
      return new Blob((await summary(options)).parts as BlobPart[], { type: 'application/octet-stream' });
    },
    async writeBackup(sink, options) {
      if (!sink || typeof sink.write !== 'function' || typeof sink.close !== 'function') throw new Error('writeBackup needs a writable {write, close} (showSaveFilePicker().createWritable())');
      try {
        const b = await summary(options);
        for (const part of b.parts) await sink.write(part);
        await sink.close();
        return { bytes: b.bytes, items: b.items, left: b.left };
      } catch (e) {
        await sink.abort?.(e).catch(() => undefined);
        throw e;
      }
    },
    async inspectBackup(file) {
      await deps.ready;
      const r = await naming(file, () => inspectBackup(stores, checkFile(file)));
      return { createdAt: r.contents.header.createdAt, bytes: file.size, items: r.contents.items.map((i) => ({ kind: i.kind, id: i.id, name: itemName(i.kind, i.record) })), clashes: r.clashes, identical: r.skipped.filter((x) => x.why === 'identical') };
    },
    async restoreWorkspace(file, options = {}) {
      await deps.ready;
      if (typeof options !== 'object' || options === null) throw new Error(`options must be an object {onClash?}, got ${JSON.stringify(options)}`);
      const onClash = options.onClash ?? 'rename';
      if (!CLASH_CHOICES.includes(onClash)) throw new Error(`onClash must be one of ${CLASH_CHOICES.join(', ')}, got ${JSON.stringify(onClash)}`);
      if (restoring.busy) throw new Error('a restore is already running in this tab; wait for it to finish');
      restoring.busy = true;
      try {
        const report = await naming(file, () => restoreBackup(stores, checkFile(file), { onClash, onProgress: options.onProgress, hold: (fn) => s.checkpoints.linkedWrite(fn), estimate: storageEstimate }));
        const touched = [...report.restored, ...report.renamed, ...report.replaced];
        for (const what of new Set(touched.map((t) => STORE_MESSAGE[t.kind]).filter((w) => w !== undefined))) s.tabs.post({ type: 'changed', what });
        for (const t of touched) {
          if (t.kind === 'run') s.tabs.post({ type: 'run', runId: t.id });
          if (t.kind === 'experiment') s.tabs.post({ type: 'experiment', id: t.id });
        }
        await deps.refresh();
        return report;
      } finally {
        restoring.busy = false;
      }
    },
  };
}
