// The one way a panel's action reports failure. report() runs the action (a promise, or a function
// that may throw or reject) and turns its failure into an error notice, so no click ends in an
// unhandled rejection and a failure that arrives while the user looks elsewhere is still read.
// useReport() is the same for a form that shows the message beside its button, until the next
// attempt: the form puts `near` on its actions, and while that element is on screen the message
// goes there only, not also into a toast over the page; hidden (another view, scrolled out of
// reach), it goes to both. A cancelled file dialog (AbortError) is the user's choice: nothing shows.
import { useCallback, useRef, useState } from 'react';
import { notify } from '../../state/store';

type Action<T> = Promise<T> | (() => T | Promise<T>);

export interface ReportOptions {
  /** Shows the message beside the form that started the action. */
  show?: (message: string) => void;
  /** The form's actions; while it is visible the message goes to `show` alone. */
  near?: () => Element | null | undefined;
}

/** Whether an element is in the document, rendered and at least partly in the viewport. */
function onScreen(el: Element | null | undefined): boolean {
  if (!el?.isConnected) return false;
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) return false;
  return r.bottom > 0 && r.top < window.innerHeight;
}

/** The action's result, or undefined after its failure has been reported (inline, or as an error notice). */
export async function report<T>(action: Action<T>, options: ReportOptions = {}): Promise<T | undefined> {
  try {
    return await (typeof action === 'function' ? action() : action);
  } catch (e) {
    if (e instanceof Error && e.name === 'AbortError') return undefined;
    const message = e instanceof Error ? e.message : String(e);
    if (!(options.show && onScreen(options.near?.()))) notify('error', message);
    options.show?.(message);
    return undefined;
  }
}

/**
 * report() plus the last failure's message for the form to show beside its button; run() clears
 * it first. `near` is a ref for the element the message sits beside (the form's actions row).
 */
export function useReport(): { error: string | undefined; run: <T>(action: Action<T>) => Promise<T | undefined>; clear: () => void; near: (el: Element | null) => void } {
  const [error, setError] = useState<string>();
  const anchor = useRef<Element | null>(null);
  const clear = useCallback(() => setError(undefined), []);
  const near = useCallback((el: Element | null) => void (anchor.current = el), []);
  const run = useCallback(<T,>(action: Action<T>) => {
    setError(undefined);
    return report(action, { show: setError, near: () => anchor.current });
  }, []);
  return { error, run, clear, near };
}
