// "Skip to content": the first stop for the keyboard, moving focus past the header, navigation
// and checkpoint list into the view. It focuses the target itself rather than following
// `#main` (the hash names the view here, so following it would change the view).
import type { RefObject } from 'react';

export function SkipLink({ target }: { target: RefObject<HTMLElement | null> }) {
  return (
    <a
      className="skip-link"
      href="#"
      onClick={(e) => {
        e.preventDefault();
        target.current?.focus();
        target.current?.scrollIntoView();
      }}
    >
      Skip to content
    </a>
  );
}
