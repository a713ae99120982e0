// How far a long job (evaluation, merge, Fisher estimate, import) has come, as the store holds it
// and the progress box shows it, and the time it has left at the rate it has gone so far.

export interface JobProgress {
  done: number;
  /** 0 while the job sets up and does not know its size yet (shown as an indeterminate bar). */
  total: number;
  label: string;
  /** 'bytes': done and total are byte counts, shown in MB. */
  unit?: 'bytes';
  /** When the job was asked for (Date.now() of the main thread): its elapsed and rate count from here. */
  startedAt?: number;
}

/**
 * Seconds a job has left at the rate it has gone so far (`done` of `total` units in `seconds`);
 * undefined until a unit is done.
 */
export function jobEta(done: number, total: number, seconds: number): number | undefined {
  if (!(done > 0) || !(total > 0) || !(seconds > 0)) return undefined;
  return (seconds * Math.max(0, total - done)) / done;
}
