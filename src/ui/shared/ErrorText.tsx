// A failure message beside the control that caused it, or in a toast: one line (summarizeMessage),
// the rest on demand in a <details>. A div, not a p, since a <details> may not sit in a paragraph.
import { summarizeMessage } from './summarizeMessage';

export function ErrorText({ message, testId, id, className = 'error-text', max }: { message: string; testId?: string; id?: string; className?: string; max?: number }) {
  const { line, details } = summarizeMessage(message, max);
  return (
    <div className={`${className} summarized`} data-testid={testId} id={id}>
      <span data-testid={testId && `${testId}-line`}>{line}</span>
      {details.length > 0 && (
        <details className="message-details">
          <summary>details</summary>
          <ul>{details.map((d, i) => <li key={i}>{d}</li>)}</ul>
        </details>
      )}
    </div>
  );
}
