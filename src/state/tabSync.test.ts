// followOtherTabs on two in-memory tabs: a burst of list changes is read once per list, run and
// experiment news reach their feature, and a tab hears only the others.
import { describe, expect, it } from 'vitest';
import { MemoryLockManager, memoryTabs } from '../storage/tabs';
import { followOtherTabs } from './tabSync';

describe('followOtherTabs', () => {
  it('coalesces list changes, routes run and experiment news, and ignores its own messages', async () => {
    const manager = new MemoryLockManager();
    const here = memoryTabs(manager);
    const there = memoryTabs(manager);
    const seen: string[] = [];
    const refresh = (what: string) => async () => void seen.push(`refresh ${what}`);
    followOtherTabs(here, {
      refresh: { checkpoints: refresh('checkpoints'), corpora: refresh('corpora'), suites: refresh('suites'), evaluations: refresh('evaluations') },
      run: async (id) => void seen.push(`run ${id}`),
      runPoints: (id, points) => void seen.push(`points ${id} ${points.length}`),
      experiment: async (id) => void seen.push(`experiment ${id}`),
    });
    for (let i = 0; i < 5; i++) there.post({ type: 'changed', what: 'checkpoints' });
    there.post({ type: 'changed', what: 'corpora' });
    there.post({ type: 'run', runId: 'r1' });
    there.post({ type: 'runPoints', runId: 'r1', points: [] });
    there.post({ type: 'experiment', id: 'e1' });
    here.post({ type: 'run', runId: 'mine' });
    await new Promise((r) => setTimeout(r, 80));
    expect(seen.sort()).toEqual(['experiment e1', 'points r1 0', 'refresh checkpoints', 'refresh corpora', 'run r1'].sort());
  });
});
