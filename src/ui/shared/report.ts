// The one way a panel's action reports failure. report() runs the action (a promise, or a function
// that may throw or reject) and turns its failure into an error notice, so no click ends in an
// unhandled rejection and a failure that arrives while the user looks elsewhere is still read.
// useReport() is the same for a panel that also shows the message under its form, until the next
// attempt. A cancelled file dialog (AbortError) is the user's choice, not a failure: nothing shows.
import { useCallback, useState } from 'react';
import { notify } from '../../state/store';

type Action<T> = Promise<T> | (() => T | Promise<T>);

/** The action's result, or undefined after its failure has become an error notice (and gone to `show`). */
export async function report<T>(action: Action<T>, show?: (message: string) => void): Promise<T | undefined> {
  try {
    return await (typeof action === 'function' ? action() : action);
  } catch (e) {
    if (e instanceof Error && e.name === 'AbortError') return undefined;
    const message = e instanceof Error ? e.message : String(e);
    notify('error', message);
    show?.(message);
    return undefined;
  }
}

/** report() plus the last failure's message for the panel to show inline; run() clears it first. */
export function useReport(): { error: string | undefined; run: <T>(action: Action<T>) => Promise<T | undefined>; clear: () => void } {
  const [error, setError] = useState<string>();
  const clear = useCallback(() => setError(undefined), []);
  const run = useCallback(<T,>(action: Action<T>) => {
    setError(undefined);
    return report(action, setError);
  }, []);
  return { error, run, clear };
}
