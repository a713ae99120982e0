// The studio's views in the URL: `#/<view>` names the view on screen, so a link opens a view and
// the browser's back and forward buttons step through the views visited. Pure: no DOM.

/** The hash that opens a view: `#/train`. */
export function formatViewHash(view: string): string {
  return `#/${view}`;
}

/**
 * The view a hash names, or `fallback` when it names none of `known` (an empty hash, a stale
 * bookmark, a typo): an unknown hash opens the default view rather than an error. Accepts `#/id`,
 * `#id` and `#/id/` (a trailing slash or query some links carry), case-insensitively.
 */
export function parseViewHash(hash: string, known: readonly string[], fallback: string): string {
  const id = hash.replace(/^#/, '').replace(/^\//, '').split(/[/?]/)[0].toLowerCase();
  return known.includes(id) ? id : fallback;
}
