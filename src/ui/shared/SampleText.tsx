// Text a model wrote after a prompt, the prompt muted before it, in one monospace block that
// keeps line breaks. Whitespace alone would look like nothing, so it is said in words.
export function SampleText({ prompt, text, testId, empty = '(nothing)' }: { prompt: string; text: string; testId?: string; empty?: string }) {
  const blank = text.trim() === '';
  return (
    <p className="sample-text">
      <span className="sample-prompt">{prompt}</span>
      <span data-testid={testId}>{text}</span>
      {blank && <i className="muted small-text"> {text === '' ? empty : `(${text.length} whitespace character${text.length === 1 ? '' : 's'})`}</i>}
    </p>
  );
}
