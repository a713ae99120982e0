// A long failure message as one line and its parts. The studio's errors list what is wrong in
// one sentence ("model.safetensors does not match its config: a has shape [..]; b is missing;
// and 10 more"), which in a toast or beside a button buries the first line under the list. The
// line keeps the message's head with the count of its problems (or, without a head, the first
// problem and the count of the rest); the details are every listed problem, for a <details>.

/** A message's first line and, when it was cut, the problems it lists. */
export interface MessageSummary {
  line: string;
  /** Empty when the line is the whole message. */
  details: string[];
}

/** Longest line shown before the message is cut (about one line of a form or a toast). */
export const SUMMARY_CHARS = 140;

const clip = (text: string, n: number) => (text.length <= n ? text : `${text.slice(0, n - 1).trimEnd()}…`);

export function summarizeMessage(text: string, max = SUMMARY_CHARS): MessageSummary {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const flat = lines.join(' ');
  if (lines.length <= 1 && flat.length <= max) return { line: flat, details: [] };
  // "head: a; b; c; and N more" — the list after the first ": " that comes before any "; ".
  const colon = flat.indexOf(': ');
  const semi = flat.indexOf('; ');
  const hasList = colon > 0 && semi > colon;
  const head = hasList ? flat.slice(0, colon) : '';
  const parts = hasList ? flat.slice(colon + 2).split('; ') : lines.length > 1 ? lines : flat.split('; ');
  const tail = /^and (\d+) more/.exec(parts[parts.length - 1] ?? '');
  const listed = tail ? parts.slice(0, -1) : parts;
  const total = listed.length + (tail ? Number(tail[1]) : 0);
  if (total <= 1) return { line: clip(flat, max), details: [flat] };
  // With a head, the head and the count read as one line in a narrow column; the problems follow.
  if (head) return { line: clip(`${head} (${total} problems)`, max), details: parts };
  const rest = ` (and ${total - 1} more)`;
  return { line: `${clip(listed[0], max - rest.length)}${rest}`, details: parts };
}
