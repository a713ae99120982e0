// Clocks for progress displays: a `now` that ticks while a job is live, so elapsed time and ETA
// move between progress reports, and the moment a report last arrived, to count from.
import { useEffect, useRef, useState } from 'react';

/** Redraws this often while live: elapsed and ETA move visibly, without re-rendering much. */
export const LIVE_TICK_MS = 500;

/** Date.now(), refreshed every LIVE_TICK_MS while `live`. */
export function useNow(live: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!live) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), LIVE_TICK_MS);
    return () => clearInterval(timer);
  }, [live]);
  return live ? now : Date.now();
}

/** Date.now() when `key` last changed (first seen: now), e.g. when the last metric point came. */
export function useChangedAt(key: unknown): number {
  const seen = useRef<{ key: unknown; at: number } | undefined>(undefined);
  if (!seen.current || seen.current.key !== key) seen.current = { key, at: Date.now() };
  return seen.current.at;
}
