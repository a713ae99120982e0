// Errors and information from the store as a bounded stack of toasts in the bottom corner: newest
// first, at most SHOWN at once with "k more" to see the rest, each one line (details on demand),
// errors kept until dismissed, information fading after a few seconds. The stack is one
// aria-live region, so a screen reader hears each notice as it arrives. The page keeps room
// below its content as tall as the stack (--notices-height), so no toast hides the page's end.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { dismissAllNotices, dismissNotice, type Notice, useStudio } from '../../state/store';
import { ErrorText } from './ErrorText';

const INFO_MS = 6000;
/** A toast's line at most (summarizeMessage): about two lines of the stack's width; the rest under "details". */
const TOAST_CHARS = 100;
/** Toasts shown at once; the rest are counted. */
export const SHOWN = 3;

export function Notices() {
  const notices = useStudio((s) => s.notices);
  const [expanded, setExpanded] = useState(false);
  const newestFirst = [...notices].reverse();
  const shown = expanded ? newestFirst : newestFirst.slice(0, SHOWN);
  const hidden = newestFirst.length - shown.length;
  const box = useRef<HTMLElement>(null);

  useEffect(() => {
    if (notices.length <= SHOWN) setExpanded(false);
  }, [notices.length]);

  // Room below the page's content for the stack, so the page's end can always be scrolled clear.
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const set = () => document.documentElement.style.setProperty('--notices-height', `${el.offsetHeight}px`);
    set();
    const watch = new ResizeObserver(set);
    watch.observe(el);
    return () => {
      watch.disconnect();
      document.documentElement.style.removeProperty('--notices-height');
    };
  }, []);

  return (
    <section className={`notices${expanded ? ' expanded' : ''}`} ref={box} aria-label="notifications" aria-live="polite" data-testid="notices">
      {shown.map((n) => <Toast key={n.id} notice={n} />)}
      {(hidden > 0 || expanded || notices.length > 1) && (
        <div className="notices-more">
          {(hidden > 0 || expanded) && (
            <button className="link" data-testid="notices-more" aria-expanded={expanded} onClick={() => setExpanded(!expanded)}>
              {expanded ? 'show fewer' : `${hidden} more`}
            </button>
          )}
          {notices.length > 1 && <button className="link" data-testid="notices-dismiss-all" onClick={dismissAllNotices}>dismiss all</button>}
        </div>
      )}
    </section>
  );
}

function Toast({ notice }: { notice: Notice }) {
  useEffect(() => {
    if (notice.kind !== 'info') return;
    const t = setTimeout(() => dismissNotice(notice.id), INFO_MS);
    return () => clearTimeout(t);
  }, [notice]);
  return (
    <div className={`notice ${notice.kind}`} data-testid="notice" data-kind={notice.kind}>
      <ErrorText message={notice.text} className="notice-text" max={TOAST_CHARS} />
      <button className="icon" aria-label="dismiss notice" data-testid="notice-dismiss" onClick={() => dismissNotice(notice.id)}>×</button>
    </div>
  );
}
