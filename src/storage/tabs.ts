// Coordination between tabs of one browser profile, which share one IndexedDB: locks the browser
// guarantees (the Web Locks API: a lock is released when its tab closes or crashes) and a
// broadcast channel so one tab's writes and live runs show in the others. The memory version
// gives tests several "tabs" on one lock manager with the same semantics.
import type { MetricPoint } from '../core/train/settings';

/** Held while a write links a blob to the record naming it (shared); the orphan sweep takes it exclusively. */
export const BLOB_WRITE_LOCK = 'gums:blob-writes';
export const runLock = (runId: string): string => `gums:run:${runId}`;
export const experimentLock = (id: string): string => `gums:experiment:${id}`;

/** What one tab tells the others. */
export type TabMessage =
  | { type: 'changed'; what: 'checkpoints' | 'corpora' | 'suites' | 'evaluations' }
  /** The run's record changed in storage. */
  | { type: 'run'; runId: string }
  /** Live metric points of a run, between the writes of its record. */
  | { type: 'runPoints'; runId: string; points: MetricPoint[] }
  | { type: 'experiment'; id: string };

export type Release = () => void;

export interface TabCoordination {
  /** Runs `fn` holding `name` (shared or exclusive), waiting for it. */
  withLock<T>(name: string, mode: 'shared' | 'exclusive', fn: () => Promise<T>): Promise<T>;
  /** Runs `fn` holding `name` exclusively if nobody holds or waits for it; otherwise returns `busy`. */
  ifAvailable<T>(name: string, fn: () => Promise<T>): Promise<T | { busy: true }>;
  /** Takes `name` exclusively until release() if it is free now; undefined when another holder has it. */
  tryHold(name: string): Promise<Release | undefined>;
  /** Names held by any tab of this profile (this one included), at this moment. */
  held(): Promise<Set<string>>;
  /** Calls `fn` once `name` is free (its holder released it or its tab is gone), holding it while fn runs. */
  whenFree(name: string, fn: () => Promise<void>): void;
  post(message: TabMessage): void;
  onMessage(listener: (message: TabMessage) => void): () => void;
}

/** Web Locks + BroadcastChannel; without them (very old browsers) a single-tab fallback. */
export function browserTabs(channelName = 'gums'): TabCoordination {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return memoryTabs(new MemoryLockManager());
  const channel = typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel(channelName) : undefined;
  const listeners = new Set<(m: TabMessage) => void>();
  channel?.addEventListener('message', (e: MessageEvent<TabMessage>) => listeners.forEach((l) => l(e.data)));
  return {
    withLock: (name, mode, fn) => locks.request(name, { mode }, fn) as Promise<Awaited<ReturnType<typeof fn>>>,
    async ifAvailable(name, fn) {
      return locks.request(name, { ifAvailable: true }, async (lock) => (lock ? fn() : { busy: true as const }));
    },
    tryHold(name) {
      return new Promise<Release | undefined>((resolve) => {
        void locks.request(name, { ifAvailable: true }, (lock) => {
          if (!lock) return resolve(undefined);
          return new Promise<void>((release) => resolve(() => release()));
        });
      });
    },
    async held() {
      const q = await locks.query();
      return new Set((q.held ?? []).map((l) => l.name!).filter(Boolean));
    },
    whenFree(name, fn) {
      void locks.request(name, () => fn().catch(() => undefined));
    },
    post: (m) => channel?.postMessage(m),
    onMessage(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}

interface Waiter {
  mode: 'shared' | 'exclusive';
  grant: () => void;
}

/** An in-process lock manager with the Web Locks rules: FIFO per name, shared locks share. */
export class MemoryLockManager {
  private holders = new Map<string, { mode: 'shared' | 'exclusive'; count: number }>();
  private queues = new Map<string, Waiter[]>();
  readonly channels = new Set<(m: TabMessage, from: object) => void>();

  private grantable(name: string, mode: 'shared' | 'exclusive'): boolean {
    const h = this.holders.get(name);
    return !h || (h.mode === 'shared' && mode === 'shared');
  }

  private take(name: string, mode: 'shared' | 'exclusive'): void {
    const h = this.holders.get(name);
    this.holders.set(name, { mode, count: (h?.count ?? 0) + 1 });
  }

  acquire(name: string, mode: 'shared' | 'exclusive', ifAvailable = false): Promise<Release | undefined> {
    const queue = this.queues.get(name) ?? [];
    if (!queue.length && this.grantable(name, mode)) {
      this.take(name, mode);
      return Promise.resolve(this.releaser(name));
    }
    if (ifAvailable) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      queue.push({ mode, grant: () => resolve(this.releaser(name)) });
      this.queues.set(name, queue);
    });
  }

  private releaser(name: string): Release {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const h = this.holders.get(name)!;
      if (--h.count === 0) this.holders.delete(name);
      const queue = this.queues.get(name) ?? [];
      while (queue.length && this.grantable(name, queue[0].mode)) {
        const w = queue.shift()!;
        this.take(name, w.mode);
        w.grant();
      }
    };
  }

  heldNames(): Set<string> {
    return new Set(this.holders.keys());
  }
}

/** One "tab" on a shared MemoryLockManager (tests, and browsers without Web Locks). */
export function memoryTabs(manager: MemoryLockManager): TabCoordination {
  const listeners = new Set<(m: TabMessage) => void>();
  const self = {};
  manager.channels.add((m, from) => {
    if (from !== self) listeners.forEach((l) => l(m));
  });
  const run = async <T>(name: string, mode: 'shared' | 'exclusive', fn: () => Promise<T>): Promise<T> => {
    const release = (await manager.acquire(name, mode))!;
    try {
      return await fn();
    } finally {
      release();
    }
  };
  return {
    withLock: run,
    async ifAvailable(name, fn) {
      const release = await manager.acquire(name, 'exclusive', true);
      if (!release) return { busy: true as const };
      try {
        return await fn();
      } finally {
        release();
      }
    },
    tryHold: (name) => manager.acquire(name, 'exclusive', true),
    held: async () => manager.heldNames(),
    whenFree(name, fn) {
      void run(name, 'exclusive', () => fn().catch(() => undefined));
    },
    post: (m) => manager.channels.forEach((c) => c(m, self)),
    onMessage(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}
