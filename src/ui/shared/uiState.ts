// UI-only state that the studio store does not hold: which checkpoint the Train panel starts
// from (and the Grow panel's own pick), which run the charts show, and the RunHandles of runs
// started or continued from this page (the store has no handle, and pause/resume/stop go through
// one).
import { create } from 'zustand';
import type { RunHandle } from '../../state/studio';
import { notify, useStudio } from '../../state/store';

interface UiState {
  fromId?: string;
  /** Picked in the Grow panel; it holds while fromId is still `over` (what it was when picked). */
  growFrom?: { id: string; over?: string };
  viewRunId?: string;
  handles: Record<string, RunHandle>;
}

export const useUi = create<UiState>()(() => ({ handles: {} }));

export function selectFrom(id: string): void {
  useUi.setState({ fromId: id });
}

export function pickGrowFrom(id: string): void {
  useUi.setState((s) => ({ growFrom: { id, over: s.fromId } }));
}

/** After a growth: train the grown model next, keep growing from its parent. */
export function selectGrown(parentId: string, grownId: string): void {
  useUi.setState({ fromId: grownId, growFrom: { id: parentId, over: grownId } });
}

/** The checkpoint the Grow panel grows: its own pick, else the Train panel's, else the newest. */
export function useGrowFromId(): string | undefined {
  return useUi((s) => (s.growFrom && s.growFrom.over === s.fromId ? s.growFrom.id : s.fromId));
}

export function viewRun(id: string | undefined): void {
  useUi.setState({ viewRunId: id });
}

/** Keeps a run's handle for its controls and reports how the run ended. */
export function keepHandle(handle: RunHandle): void {
  useUi.setState((s) => ({ handles: { ...s.handles, [handle.id]: handle }, viewRunId: handle.id }));
  handle.done.then(
    () => notify('info', `Run finished (${handle.status()}); its checkpoint is in the Models list.`),
    () => undefined, // the run manager already reported the failure
  );
}


/** The run the charts and progress show: the one picked in the runs list, else the active one, else the newest. */
export function useShownRunId(): string | undefined {
  const picked = useUi((s) => s.viewRunId);
  return useStudio((s) => {
    if (picked && s.runs[picked]) return picked;
    if (s.activeRunId && s.runs[s.activeRunId]) return s.activeRunId;
    let newest: string | undefined;
    for (const [id, r] of Object.entries(s.runs)) if (!newest || r.record.createdAt > s.runs[newest].record.createdAt) newest = id;
    return newest;
  });
}
