// The view named by the page's URL hash, kept in step with it: the browser owns the state (links
// set the hash, back and forward restore it), this hook only reads it on every `hashchange`.
import { useSyncExternalStore } from 'react';
import { parseViewHash } from './route';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

/** The id of the view the hash names among `known`, else `fallback`. */
export function useViewHash(known: readonly string[], fallback: string): string {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseViewHash(hash, known, fallback);
}
