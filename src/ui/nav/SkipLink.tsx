// "Skip to content": the first stop for the keyboard, moving focus past the header, navigation
// and checkpoint list into the view. Its href names the target (`#main`, so it reads as a skip
// link), but it focuses the target itself rather than follow the link: the hash names the view
// here, so following it would change the view.
export function SkipLink({ targetId }: { targetId: string }) {
  return (
    <a
      className="skip-link"
      href={`#${targetId}`}
      onClick={(e) => {
        e.preventDefault();
        const target = document.getElementById(targetId);
        target?.focus();
        target?.scrollIntoView();
      }}
    >
      Skip to content
    </a>
  );
}
