// What this tab does with the other tabs' messages: a changed list is read again (coalesced, so a
// burst of writes costs one read), and a run's or experiment's news goes to its feature.
import type { MetricPoint } from '../core/train/settings';
import type { TabCoordination, TabMessage } from '../storage/tabs';

export interface TabFollowers {
  /** Re-reads a list another tab changed. */
  refresh: Record<Extract<TabMessage, { type: 'changed' }>['what'], () => Promise<unknown>>;
  run(runId: string): Promise<void>;
  runPoints(runId: string, points: MetricPoint[]): void;
  experiment(id: string): Promise<void>;
}

/** Lists changed within this window are read once. */
const COALESCE_MS = 50;

export function followOtherTabs(tabs: TabCoordination, on: TabFollowers): () => void {
  const pending = new Set<keyof TabFollowers['refresh']>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  return tabs.onMessage((m) => {
    switch (m.type) {
      case 'changed':
        pending.add(m.what);
        timer ??= setTimeout(() => {
          timer = undefined;
          for (const what of [...pending]) void on.refresh[what]().catch(() => undefined);
          pending.clear();
        }, COALESCE_MS);
        return;
      case 'run':
        void on.run(m.runId).catch(() => undefined);
        return;
      case 'runPoints':
        on.runPoints(m.runId, m.points);
        return;
      case 'experiment':
        void on.experiment(m.id).catch(() => undefined);
        return;
      default: {
        const never: never = m;
        throw new Error(`unhandled tab message ${JSON.stringify(never)}`);
      }
    }
  });
}
