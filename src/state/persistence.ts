// Persistent storage (navigator.storage.persist): without it IndexedDB is best-effort and the
// browser may evict every checkpoint under storage pressure. The studio asks once, when the user
// first saves a model (a checkpoint appears that was not listed at start-up), remembers that it
// asked (localStorage, so a reload does not ask again), and shows the answer beside the storage figure.
import { useStudio } from './store';

const ASKED_KEY = 'gums-persist-asked';

export interface PersistenceActions {
  /** Asks the browser to keep the studio's storage (it may grant it silently, ask the user, or refuse); resolves to whether storage is persistent now. */
  persistStorage(): Promise<boolean>;
}

const storageManager = (): StorageManager | undefined => (typeof navigator !== 'undefined' ? navigator.storage : undefined);

function askedBefore(): boolean {
  try {
    return localStorage.getItem(ASKED_KEY) !== null;
  } catch {
    return false;
  }
}

/** Whether the studio's storage is persistent now (false where the browser cannot say). */
export async function isPersisted(): Promise<boolean> {
  return (await storageManager()?.persisted?.().catch(() => false)) ?? false;
}

async function publish(): Promise<boolean> {
  const supported = typeof storageManager()?.persist === 'function';
  const persisted = await isPersisted();
  useStudio.setState({ persistence: { supported, persisted, asked: askedBefore() } });
  return persisted;
}

export function createPersistence(ready: Promise<void>): PersistenceActions {
  async function persistStorage(): Promise<boolean> {
    const sm = storageManager();
    try {
      localStorage.setItem(ASKED_KEY, new Date().toISOString());
    } catch {
      // Private windows may refuse localStorage; the request itself still goes out.
    }
    if (sm?.persist && !(await isPersisted())) await sm.persist().catch(() => false);
    return publish();
  }

  void publish();
  // The first save: a checkpoint id that was not listed before. Start-up's own listing is not a save.
  void ready.catch(() => undefined).then(() => {
    let known = new Set(useStudio.getState().checkpoints.map((c) => c.id));
    const stop = useStudio.subscribe((st, prev) => {
      if (st.checkpoints === prev.checkpoints) return;
      const fresh = st.checkpoints.some((c) => !known.has(c.id));
      known = new Set(st.checkpoints.map((c) => c.id));
      if (!fresh) return;
      stop();
      if (!askedBefore()) void persistStorage();
    });
    if (askedBefore()) stop();
  });
  return { persistStorage };
}
